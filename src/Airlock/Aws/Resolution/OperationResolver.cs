using Airlock.Aws.Catalog;
using Airlock.Aws.Resources;

namespace Airlock.Aws.Resolution;

/// <summary>
/// Tells which operation of which service a call is, for every protocol in the official models:
/// json by X-Amz-Target, query and ec2 by Action, smithy-rpc-v2-cbor by its /service/…/operation/… path,
/// rest-json and rest-xml by method and URI template. A service that lists several protocols is read in the
/// one each call speaks.
/// A call it cannot place is refused, with what was not recognised.
/// </summary>
internal sealed class OperationResolver(ServiceCatalog catalog, ResourceArns arns)
{
    public OperationResolver(ServiceCatalog catalog)
        : this(catalog, ResourceArns.Default)
    {
    }

    public ResolveResult Resolve(ResolveRequest request)
    {
        var candidates = catalog.BySigningName(request.SigningName);
        if (candidates.Count == 0)
        {
            return ResolveResult.Fail($"Airlock does not know the AWS service '{request.SigningName}'.");
        }

        var resolved = Place(candidates, request);
        if (resolved.Operation is { Operation.EventStream: true } eventStream)
        {
            return ResolveResult.Fail($"{eventStream.Action} is an event-stream operation, which Airlock does not handle yet.");
        }

        return resolved;
    }

    private ResolveResult Place(IReadOnlyList<ServiceModel> candidates, ResolveRequest request)
    {
        if (request.Head.Header("smithy-protocol") is not null || (RpcV2Path.Match(request.Head.RawPath) is not null && candidates.Any(c => c.Speaks(WireProtocol.Cbor))))
        {
            return ResolveCbor(candidates, request);
        }

        var target = request.Head.Header("x-amz-target");
        if (target is not null)
        {
            return ResolveJson(candidates, target, request);
        }

        // Services that moved from query (SQS to json; CloudWatch to CBOR) still take query calls from older SDKs; others never did.
        var rpc = candidates.Where(c => c.Protocol is WireProtocol.Ec2 || (c.Speaks(WireProtocol.Query) && request.Head.RawPath == "/")).ToArray();
        if (rpc.Length > 0 && RequestShape.QueryPairs(request) is var (pairs, fromBody, shape) && (shape is not null || pairs.Any(p => p.Key == "Action")))
        {
            if (shape is not null)
            {
                return ResolveResult.Fail($"The call is not a query call Airlock can forward as it read it: {shape}.");
            }

            var action = pairs.First(p => p.Key == "Action").Value;
            var version = pairs.FirstOrDefault(p => p.Key == "Version").Value;
            var service = rpc.FirstOrDefault(c => c.ApiVersion == version) ?? rpc[0];
            var operation = service.Operation(action);
            if (operation is null)
            {
                return ResolveResult.Fail($"'{action}' is not an operation of {service.Id}.");
            }

            var resolved = Resolved(service, operation, RequestParameters.FromPairs(pairs), request,
                service.Protocol == WireProtocol.Ec2 ? WireProtocol.Ec2 : WireProtocol.Query);
            // The form goes upstream as Airlock read it, re-encoded: no upstream can split or decode it another way.
            return fromBody && resolved.Operation is { } found && !RequestShape.IsCanonical(request.Body!.Value.Span)
                ? ResolveResult.Ok(found with { UpstreamBody = RequestShape.Encode(pairs) })
                : resolved;
        }

        if (candidates.All(c => c.Protocol is WireProtocol.Query or WireProtocol.Ec2))
        {
            return ResolveResult.Fail($"The {candidates[0].Id} call names no Action.");
        }

        return ResolveRest(candidates, request);
    }

    private ResolveResult ResolveJson(IReadOnlyList<ServiceModel> candidates, string target, ResolveRequest request)
    {
        var dot = target.LastIndexOf('.');
        var prefix = dot < 0 ? "" : target[..dot];
        var name = target[(dot + 1)..];
        var service = candidates.FirstOrDefault(c => c.TargetPrefix == prefix && c.Speaks(WireProtocol.Json));
        var operation = service?.Operation(name);
        if (service is null || operation is null)
        {
            return ResolveResult.Fail($"X-Amz-Target '{target}' is not an operation Airlock knows.");
        }

        if (RequestShape.JsonCallError(request) is { } shape)
        {
            return ResolveResult.Fail($"The {operation.Name} call is not a json call Airlock can forward as it read it: {shape}.");
        }

        var parameters = RequestParameters.FromJsonBody(request);
        if (parameters is null)
        {
            return ResolveResult.Fail($"The {operation.Name} request body is not valid JSON.");
        }

        var resolved = Resolved(service, operation, parameters, request, WireProtocol.Json);
        return resolved.Operation is { } found && request.Body is { } body && StrictJson.WithoutFormDelimiters(body.Span) is { } escaped
            ? ResolveResult.Ok(found with { UpstreamBody = escaped })
            : resolved;
    }

    private ResolveResult ResolveCbor(IReadOnlyList<ServiceModel> candidates, ResolveRequest request)
    {
        if (request.Head.Header("smithy-protocol") is { } declared && declared != "rpc-v2-cbor")
        {
            return ResolveResult.Fail($"smithy-protocol '{declared}' is not a protocol Airlock speaks (rpc-v2-cbor is).");
        }

        if (RpcV2Path.Match(request.Head.RawPath) is not var (serviceName, operationName) || request.Head.Method != "POST")
        {
            return ResolveResult.Fail($"{request.Head.Method} {request.Head.RawPath} is not a smithy-rpc-v2-cbor call (POST /service/{{Service}}/operation/{{Operation}}).");
        }

        var service = candidates.FirstOrDefault(c => c.Speaks(WireProtocol.Cbor) && c.TargetPrefix == serviceName);
        var operation = service?.Operation(operationName);
        if (service is null || operation is null)
        {
            return ResolveResult.Fail($"{serviceName}.{operationName} is not an operation Airlock knows.");
        }

        if (RequestShape.HasCallQuery(request.Head))
        {
            return ResolveResult.Fail("A smithy-rpc-v2-cbor call carries no query string: its input is its body.");
        }

        var contentType = request.Head.Header("content-type");
        if (request.Body is { Length: > 0 } && !string.Equals(contentType, "application/cbor", StringComparison.OrdinalIgnoreCase))
        {
            return ResolveResult.Fail($"A smithy-rpc-v2-cbor body must be application/cbor, not '{contentType}'.");
        }

        return CborBody.Parameters(request.Body ?? ReadOnlyMemory<byte>.Empty, out var why) is { } parameters
            ? Resolved(service, operation, parameters, request, WireProtocol.Cbor)
            : ResolveResult.Fail($"The {operation.Name} request body is not one valid CBOR map{(why is null ? "" : $": {why}")}.");
    }

    private ResolveResult ResolveRest(IReadOnlyList<ServiceModel> candidates, ResolveRequest request)
    {
        var segments = UriTemplate.Segments(Uri.UnescapeDataString(request.Head.RawPath));
        (ServiceModel Service, OperationModel Operation, Dictionary<string, string> Labels)? best = null;
        foreach (var service in candidates.Where(c => c.Protocol.StartsWith("rest-", StringComparison.Ordinal)))
        {
            foreach (var operation in service.Operations)
            {
                if (!string.Equals(operation.Method, request.Head.Method, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var labels = operation.Template.Match(segments, request.Head.Query, h => request.Head.Header(h) is not null);
                if (labels is not null && (best is null || operation.Template.Specificity > best.Value.Operation.Template.Specificity))
                {
                    best = (service, operation, labels);
                }
            }

            if (best is not null)
            {
                break;
            }
        }

        if (best is not { } found)
        {
            return ResolveResult.Fail($"{request.Head.Method} {request.Head.RawPath} is not an operation Airlock knows.");
        }

        if (RequestShape.RestCallError(found.Operation, request.Head) is { } restShape)
        {
            return ResolveResult.Fail($"The call is not one Airlock can forward as it read it: {restShape}.");
        }

        if (found.Service.Protocol == WireProtocol.RestJson && !found.Operation.StreamingInput && request.Body is { Length: > 0 } restBody
            && StrictJson.Check(restBody.Span) is { } strict)
        {
            return ResolveResult.Fail($"The {found.Operation.Name} request body is not one Airlock can forward as it read it: {strict}.");
        }

        var bodyParameters = found.Service.Protocol == "rest-json" && !found.Operation.StreamingInput
            ? RequestParameters.FromJsonBody(request)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        if (bodyParameters is null)
        {
            return ResolveResult.Fail($"The {found.Operation.Name} request body is not valid JSON.");
        }

        if (found.Service.Protocol == "rest-xml" && !found.Operation.StreamingInput && !RequestParameters.IsWellFormedXml(request))
        {
            return ResolveResult.Fail($"The {found.Operation.Name} request body is not well-formed XML.");
        }

        var parameters = RequestParameters.AddRest(bodyParameters, found.Operation, found.Labels, request);
        var resolved = Resolved(found.Service, found.Operation, parameters, request, found.Service.Protocol);
        // A DeleteObjects body is read before the call is decided: the gateway resolves the call again with it.
        if (!found.Service.IsS3 || resolved.Operation is not { } s3Call || (found.Operation.Name == "DeleteObjects" && request.Body is null))
        {
            return resolved;
        }

        if (S3Authorizations.For(found.Operation.Name, parameters, request) is { } needs)
        {
            var resources = needs.Resources ?? s3Call.Resources;
            return ResolveResult.Ok(s3Call with
            {
                Resources = resources,
                AlsoRequires = [.. s3Call.AlsoRequires, .. needs.AlsoRequires, .. S3HeaderAuthorizations.For(found.Operation.Name, parameters, resources)],
            });
        }

        return ResolveResult.Fail($"The {found.Operation.Name} call does not say what it reads or deletes in a form Airlock can check (x-amz-copy-source bucket/key, a Delete body with keys).");
    }

    private ResolveResult Resolved(
        ServiceModel service, OperationModel operation, Dictionary<string, string> parameters, ResolveRequest request, string wireProtocol)
    {
        // What cannot be masked afterwards is refused now, before it runs: a response with members the model marks
        // sensitive, in a protocol the catalog has no paths for.
        if (!operation.CanMaskIn(service, wireProtocol))
        {
            return ResolveResult.Fail($"Airlock cannot mask the {wireProtocol} response of {service.Id} {operation.Name}; call it in {service.Protocol}.");
        }

        var needs = MultiResourceAuthorizations.For(service.Id, operation.Name, parameters, operation.StreamingInput ? request with { Body = null } : request,
            readsOnly: operation.AccessLevel is "Read" or "List");
        if (needs.Unread is { } unread)
        {
            return ResolveResult.Fail($"The {operation.Name} call is not one Airlock can authorize as IAM does: {unread}.");
        }

        var resources = needs.Resources ?? arns.Derive(service.Id, parameters, request.Region, request.Account);
        var unmask = LogsUnmask.For(service.Id, operation.Name, parameters, resources);
        return ResolveResult.Ok(new ResolvedOperation(service, operation, resources, parameters, wireProtocol)
        {
            // Every call comes this way: no new list unless there is something to add.
            AlsoRequires = unmask.Count == 0 ? needs.AlsoRequires : [.. needs.AlsoRequires, .. unmask],
            AuthorizedAs = needs.AuthorizedAs,
        });
    }

    /// <summary>The protocol a call is spoken in, judged before it is resolved, so even early refusals use its error shape.</summary>
    public static string GuessProtocol(IReadOnlyList<ServiceModel> services, Airlock.Aws.SigV4.SignableRequest head)
    {
        if (head.Header("x-amz-target") is not null)
        {
            return WireProtocol.Json;
        }

        if (head.Header("smithy-protocol") is not null || (RpcV2Path.Match(head.RawPath) is not null && services.Any(s => s.Speaks(WireProtocol.Cbor))))
        {
            return WireProtocol.Cbor;
        }

        var fallback = services.Count > 0 ? services[0].Protocol : "query";
        return (head.Header("content-type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) && fallback != "ec2"
            ? "query"
            : fallback;
    }
}
