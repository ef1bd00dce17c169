#!/usr/bin/env python3
"""Builds Airlock's operation catalog from the AWS service models that botocore ships.

Usage: python3 tools/generate-catalog.py [--check]

Writes src/Airlock/Aws/Catalog/catalog.json.gz. With --check it only compares the
committed file against a fresh build and exits 1 when they differ.
"""
import gzip
import io
import json
import os
import sys

import botocore

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "Airlock", "Aws", "Catalog", "catalog.json.gz")


def load_model(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def latest_model(service_dir):
    versions = sorted(v for v in os.listdir(service_dir) if os.path.isdir(os.path.join(service_dir, v)))
    for version in reversed(versions):
        for name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(service_dir, version, name)
            if os.path.exists(path):
                return load_model(path)
    return None


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
    """Input members bound to the URI, query string or headers: [member name, location, wire name]."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return []
    members = []
    for name, ref in sorted(model["shapes"][shape_name].get("members", {}).items()):
        location = ref.get("location")
        if location in ("uri", "querystring", "header", "headers"):
            members.append([name, location, ref.get("locationName", name)])
    return members


def sensitive_inputs(model, op):
    """Top-level input members the model marks sensitive (SecretString, SSECustomerKey): never recorded."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return []
    members = model["shapes"][shape_name].get("members", {})
    return sorted(name for name, ref in members.items() if ref.get("sensitive") or model["shapes"][ref["shape"]].get("sensitive"))


def has_streaming_input(model, op):
    """True when the request body is a blob stream (S3 PutObject, UploadPart): never read whole."""
    shape_name = op.get("input", {}).get("shape")
    if not shape_name:
        return False
    shape = model["shapes"][shape_name]
    payload = shape.get("payload")
    if not payload:
        return False
    target = model["shapes"][shape["members"][payload]["shape"]]
    return bool(target.get("streaming")) or target.get("type") == "blob"


def has_event_stream(model, ref):
    """True when the input or output carries an event stream, which Airlock does not proxy yet."""
    shape_name = (ref or {}).get("shape")
    if not shape_name:
        return False
    shape = model["shapes"][shape_name]
    if shape.get("eventstream"):
        return True
    return any(model["shapes"][m["shape"]].get("eventstream") for m in shape.get("members", {}).values())


def sensitive_paths(model, shape_name, prefix="", seen=None, depth=0):
    """Dotted paths of output members the model marks sensitive ([] for list items, {} for map values)."""
    if not shape_name or depth > 8:
        return []
    seen = seen or set()
    if shape_name in seen:
        return []
    shape = model["shapes"][shape_name]
    seen = seen | {shape_name}
    paths = []
    kind = shape.get("type")
    if kind == "structure":
        for name, ref in sorted(shape.get("members", {}).items()):
            path = f"{prefix}.{name}" if prefix else name
            target = model["shapes"][ref["shape"]]
            if ref.get("sensitive") or target.get("sensitive"):
                paths.append(path)
            else:
                paths.extend(sensitive_paths(model, ref["shape"], path, seen, depth + 1))
    elif kind == "list":
        member = shape["member"]
        if model["shapes"][member["shape"]].get("sensitive"):
            paths.append(prefix + "[]")
        else:
            paths.extend(sensitive_paths(model, member["shape"], prefix + "[]", seen, depth + 1))
    elif kind == "map":
        value = shape["value"]
        if model["shapes"][value["shape"]].get("sensitive"):
            paths.append(prefix + "{}")
        else:
            paths.extend(sensitive_paths(model, value["shape"], prefix + "{}", seen, depth + 1))
    return paths


def service_entry(service_id, model):
    meta = model["metadata"]
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
        sensitive = sensitive_paths(model, op.get("output", {}).get("shape"))
        if sensitive:
            entry["sensitiveOutput"] = sensitive
        secret_inputs = sensitive_inputs(model, op)
        if secret_inputs:
            entry["sensitiveInput"] = secret_inputs
        operations.append(entry)
    entry = {
        "id": service_id,
        "protocol": meta.get("protocol") or (meta.get("protocols") or ["json"])[0],
        "signingName": meta.get("signingName") or meta.get("endpointPrefix") or service_id,
        "endpointPrefix": meta.get("endpointPrefix") or service_id,
        "apiVersion": meta.get("apiVersion", ""),
        "operations": operations,
    }
    if meta.get("targetPrefix"):
        entry["targetPrefix"] = meta["targetPrefix"]
    if meta.get("globalEndpoint"):
        entry["globalEndpoint"] = meta["globalEndpoint"]
    return entry


def build():
    data_dir = os.path.join(os.path.dirname(botocore.__file__), "data")
    services = []
    for service_id in sorted(os.listdir(data_dir)):
        path = os.path.join(data_dir, service_id)
        if not os.path.isdir(path):
            continue
        model = latest_model(path)
        if model is None or "operations" not in model:
            continue
        services.append(service_entry(service_id, model))
    doc = {"source": "botocore " + botocore.__version__, "services": services}
    raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode("utf-8")
    buf = io.BytesIO()
    # mtime=0 keeps the output byte-for-byte reproducible, so --check can compare bytes.
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return buf.getvalue(), doc


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
    sensitive = sum(1 for s in doc["services"] for o in s["operations"] if o.get("sensitiveOutput"))
    print(f"wrote {OUT}: {len(doc['services'])} services, {ops} operations ({sensitive} with sensitive output), {len(data)} bytes")


if __name__ == "__main__":
    main()
