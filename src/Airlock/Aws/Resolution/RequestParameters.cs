using System.Text.Json;
using Airlock.Primitives;
using Airlock.Aws.Catalog;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The input parameters of a call, by member name, from where the model says they travel: URI labels,
/// query string, headers and (for json and query bodies) the body. Lists, in a body or repeated in the query string,
/// become <c>Name.1</c>, <c>Name.2</c>.
/// </summary>
internal static class RequestParameters
{
    /// <param name="parameters">What the body gave (rest-json); the URI, query and header members are added to it.</param>
    public static Dictionary<string, string> AddRest(
        Dictionary<string, string> parameters, OperationModel operation, IReadOnlyDictionary<string, string> labels, ResolveRequest request)
    {
        foreach (var member in operation.Members)
        {
            var (name, location, wire) = (member[0], member[1], member[2]);
            switch (location)
            {
                case "uri" when labels.TryGetValue(wire, out var label):
                    parameters[name] = label;
                    break;
                case "querystring" when member is [_, _, _, "list"]:
                    var index = 0;
                    foreach (var value in request.Head.Query.Where(p => p.Key == wire))
                    {
                        parameters[$"{name}.{++index}"] = value.Value;
                    }

                    break;
                case "querystring" when request.Head.Query.FirstOrDefault(p => p.Key == wire) is { Key: not null } q:
                    parameters[name] = q.Value;
                    break;
                case "header" when request.Head.Header(wire.ToLowerInvariant()) is { } value:
                    parameters[name] = value;
                    break;
                case "headers":
                    var prefix = wire.ToLowerInvariant();
                    foreach (var header in request.Head.Headers.Where(h => h.Key.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        parameters[$"{name}.{header.Key[prefix.Length..]}"] = header.Value;
                    }

                    break;
            }
        }

        return parameters;
    }

    public static Dictionary<string, string> FromPairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.Where(p => p.Key is not "Action" and not "Version" && !p.Key.StartsWith("X-Amz-", StringComparison.Ordinal))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>Top-level scalars and scalar lists of a JSON body; null when the body is not valid JSON.</summary>
    public static Dictionary<string, string>? FromJsonBody(ResolveRequest request)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Body is not { Length: > 0 } body || !LooksLikeJson(request))
        {
            return parameters;
        }

        try
        {
            using var doc = JsonDocument.Parse(body, BodyNesting.DocumentOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (Scalar(property.Value) is { } value)
                {
                    parameters[property.Name] = value;
                }
                else if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    var index = 1;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (Scalar(item) is { } itemValue)
                        {
                            parameters[$"{property.Name}.{index++}"] = itemValue;
                        }
                    }
                }
            }

            return parameters;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when a rest-xml body is absent or well-formed XML (no DTDs: they are refused, not resolved).</summary>
    public static bool IsWellFormedXml(ResolveRequest request)
    {
        if (request.Body is not { Length: > 0 } body)
        {
            return true;
        }

        try
        {
            using var reader = System.Xml.XmlReader.Create(new MemoryStream(body.ToArray()),
                new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    private static bool LooksLikeJson(ResolveRequest request)
    {
        var contentType = request.Head.Header("content-type") ?? "";
        return contentType.Length == 0 || contentType.Contains("json", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };
}
