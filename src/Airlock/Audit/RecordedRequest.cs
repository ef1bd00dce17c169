using Airlock.Masking;
using Airlock.Primitives;

namespace Airlock.Audit;

/// <summary>What the audit trail keeps of a caller's request line, headers and body: never a credential.</summary>
internal static class RecordedRequest
{
    private const int MaxValue = 256;

    // Credentials and key material: the SigV4 signature, the session token, SSE-C keys, cookies.
    private static readonly HashSet<string> Withheld = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "x-amz-security-token",
        "x-amz-server-side-encryption-customer-key", "x-amz-copy-source-server-side-encryption-customer-key",
    };

    // A presigned URL's signature, token and credential, and an OIDC token sent to the STS door in a query string.
    private static readonly string[] QuerySecrets = ["X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential", "WebIdentityToken"];

    /// <summary>The path as the server read it, when it differs from the path sent (without the query); null when the same.</summary>
    public static string? NormalizedPath(HttpRequest request)
    {
        var normalized = (request.PathBase + request.Path).ToUriComponent();
        var raw = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (raw is not { Length: > 0 })
        {
            return null;
        }

        var q = raw.IndexOf('?');
        return (q < 0 ? raw : raw[..q]) == normalized ? null : normalized;
    }

    /// <summary>
    /// The path and query exactly as sent (the raw request target, not the server's normalised path), minus a
    /// presigned URL's signature, token and credential and any web identity token.
    /// </summary>
    public static string Path(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : (request.Path.Value ?? "/") + request.QueryString.Value;
        var q = target.IndexOf('?');
        if (q < 0)
        {
            return target;
        }

        var kept = target[(q + 1)..].Split('&').Where(p => !IsSecret(p));
        var rest = string.Join('&', kept);
        return target[..q] + (rest.Length > 0 ? "?" + rest : "");
    }

    // Names are compared as a server reads them, percent-decoded and in any case: X%2DAmz%2DSignature is the signature.
    private static bool IsSecret(string parameter)
    {
        var equals = parameter.IndexOf('=');
        var name = Uri.UnescapeDataString(equals < 0 ? parameter : parameter[..equals]);
        return QuerySecrets.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase));
    }

    public static Dictionary<string, string> Headers(IHeaderDictionary headers, DetectorSet detectors)
    {
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        var hits = new List<string>(0);
        foreach (var (name, values) in headers)
        {
            if (Withheld.Contains(name))
            {
                continue;
            }

            var value = Cut(values.ToString());
            recorded[LowerCaseNames.Of(name)] = detectors.Apply(value, name, hits) ?? value;
        }

        return recorded;
    }

    /// <summary>The start of a buffered body as text, through the detectors; null when it holds members the model marks sensitive.</summary>
    public static string? Body(ReadOnlySpan<byte> body, int limit, bool hasSensitiveInput, DetectorSet detectors)
    {
        if (limit <= 0 || body.IsEmpty || hasSensitiveInput)
        {
            return null;
        }

        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, limit)]);
        return detectors.Apply(text, null, new List<string>(0)) ?? text;
    }

    private static string Cut(string value) => value.Length <= MaxValue ? value : value[..MaxValue] + "…";
}
