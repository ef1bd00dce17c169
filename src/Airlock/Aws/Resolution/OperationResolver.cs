using System.Text;
using System.Text.Json;
using Airlock.Aws.Catalog;

namespace Airlock.Aws.Resolution;

/// <summary>
/// Tells which operation of which service a call is, for every protocol in the official models:
/// json by X-Amz-Target, query and ec2 by Action, rest-json and rest-xml by method and URI template.
/// </summary>
internal sealed class OperationResolver(ServiceCatalog catalog)
{
    public ResolveResult Resolve(ResolveRequest request)
    {
        var candidates = catalog.BySigningName(request.SigningName);
        if (candidates.Count == 0)
        {
            return ResolveResult.Fail($"Airlock does not know the AWS service '{request.SigningName}'.");
        }

        var target = request.Head.Header("x-amz-target");
        if (target is not null)
        {
            return ResolveJson(candidates, target, request);
        }

        var form = FormParameters(request);
        var action = form.FirstOrDefault(p => p.Key == "Action").Value
            ?? request.Head.Query.FirstOrDefault(p => p.Key == "Action").Value;
        var rpc = candidates.Where(c => c.Protocol is "query" or "ec2").ToArray();
        if (action is not null && rpc.Length > 0)
        {
            var version = form.Concat(request.Head.Query).FirstOrDefault(p => p.Key == "Version").Value;
            var service = rpc.FirstOrDefault(c => c.ApiVersion == version) ?? rpc[0];
            var operation = service.Operation(action);
            if (operation is null)
            {
                return ResolveResult.Fail($"'{action}' is not an operation of {service.Id}.");
            }

            var parameters = form.Concat(request.Head.Query)
                .Where(p => p.Key is not "Action" and not "Version" && !p.Key.StartsWith("X-Amz-", StringComparison.Ordinal))
                .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
            return ResolveResult.Ok(new ResolvedOperation(service, operation, ["*"], parameters));
        }

        return ResolveRest(candidates, request);
    }

    private static ResolveResult ResolveJson(IReadOnlyList<ServiceModel> candidates, string target, ResolveRequest request)
    {
        var dot = target.LastIndexOf('.');
        var prefix = dot < 0 ? "" : target[..dot];
        var name = target[(dot + 1)..];
        var service = candidates.FirstOrDefault(c => c.TargetPrefix == prefix);
        var operation = service?.Operation(name);
        if (service is null || operation is null)
        {
            return ResolveResult.Fail($"'{target}' is not an operation Airlock knows.");
        }

        var parameters = JsonParameters(request.Body);
        if (parameters is null)
        {
            return ResolveResult.Fail("The request body is not valid JSON.");
        }

        return ResolveResult.Ok(new ResolvedOperation(service, operation, ["*"], parameters));
    }

    private static ResolveResult ResolveRest(IReadOnlyList<ServiceModel> candidates, ResolveRequest request)
    {
        var path = Uri.UnescapeDataString(request.Head.RawPath);
        var segments = UriTemplate.Segments(path);
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

        var parameters = new Dictionary<string, string>(found.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in request.Head.Query)
        {
            if (!key.StartsWith("X-Amz-", StringComparison.Ordinal))
            {
                parameters.TryAdd(key, value);
            }
        }

        var resources = found.Service.IsS3 ? S3Resources(found.Labels) : ["*"];
        return ResolveResult.Ok(new ResolvedOperation(found.Service, found.Operation, resources, parameters));
    }

    private static IReadOnlyList<string> S3Resources(Dictionary<string, string> labels)
    {
        if (!labels.TryGetValue("Bucket", out var bucket))
        {
            return ["*"];
        }

        return labels.TryGetValue("Key", out var key) ? [$"arn:aws:s3:::{bucket}/{key}"] : [$"arn:aws:s3:::{bucket}"];
    }

    private static List<KeyValuePair<string, string>> FormParameters(ResolveRequest request)
    {
        var contentType = request.Head.Header("content-type") ?? "";
        if (request.Body is not { } body || !contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return FormBody.Parse(Encoding.UTF8.GetString(body.Span));
    }

    private static Dictionary<string, string>? JsonParameters(ReadOnlyMemory<byte>? body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body is not { Length: > 0 } bytes)
        {
            return parameters;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    parameters[property.Name] = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()!
                        : property.Value.GetRawText();
                }
            }

            return parameters;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
