using Airlock.Aws.Catalog;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Masking;
using Airlock.Primitives;

namespace Airlock.Audit;

/// <summary>What the audit trail keeps of a caller's request line, headers and body: never a credential.</summary>
internal static class RecordedRequest
{
    private const int MaxValue = 256;

    // A larger json body is not read member by member for the record, and so is not kept.
    private const int MaxJsonBodyRead = 1024 * 1024;

    // Credentials and key material: the SigV4 signature, the session token, SSE-C keys, cookies, and the bearer tokens
    // of WorkDocs and SSO, left out even of a call Airlock could not resolve (the model's other sensitive headers go
    // once the call is understood: WithoutSensitiveInput).
    private static readonly HashSet<string> Withheld = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "x-amz-security-token",
        "x-amz-server-side-encryption-customer-key", "x-amz-copy-source-server-side-encryption-customer-key",
        "authentication", "x-amz-sso_bearer_token",
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

        return WithoutQueryParameters(target, q, name => QuerySecrets.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The recorded path and headers without the input members the operation's model marks sensitive where they travel
    /// outside the body: a header (WorkDocs' <c>Authentication</c>, SSO's bearer token), the query string (a Location
    /// API key) or a label of the path; and without the body's digests where one travels in the body.
    /// </summary>
    public static (string? Path, string? NormalizedPath, IReadOnlyDictionary<string, string> Headers) WithoutSensitiveInput(
        string? path, string? normalizedPath, IReadOnlyDictionary<string, string> headers, OperationModel operation, IReadOnlyDictionary<string, string> parameters)
    {
        if (operation.SensitiveInput.Count == 0)
        {
            return (path, normalizedPath, headers);
        }

        Dictionary<string, string>? kept = null; // copied only when a header goes
        List<string>? queryNames = null;
        List<string>? labels = null;
        foreach (var member in operation.Members)
        {
            if (!operation.SensitiveInput.Contains(member[0], StringComparer.Ordinal))
            {
                continue;
            }

            var wire = member[2].ToLowerInvariant();
            switch (member[1])
            {
                case "header" when headers.ContainsKey(wire):
                    (kept ??= new(headers, StringComparer.Ordinal)).Remove(wire);
                    break;
                case "headers":
                    foreach (var name in headers.Keys.Where(k => k.StartsWith(wire, StringComparison.Ordinal)))
                    {
                        (kept ??= new(headers, StringComparer.Ordinal)).Remove(name);
                    }

                    break;
                case "querystring":
                    (queryNames ??= []).Add(wire);
                    break;
                case "uri" when parameters.TryGetValue(member[0], out var value) && value.Length > 0:
                    (labels ??= []).Add(value);
                    break;
            }
        }

        // A member that travels in the body (none of the members above) turns the body's digests into a test of guesses at
        // it, the record showing the rest of the call: the .NET SDK signs every body's SHA-256 into x-amz-content-sha256.
        // Its length, less the recorded rest of the call, would be the secret's length.
        if (operation.SensitiveInput.Any(name => !operation.Members.Any(member => member[0] == name)))
        {
            foreach (var (name, value) in headers.Where(h => IsBodyDigestOrLength(h.Key, h.Value)))
            {
                (kept ??= new(headers, StringComparer.Ordinal)).Remove(name);
            }
        }

        // A query-protocol call sent as a GET carries its form in the query string: UserData.Value, Password.
        bool Dropped(string name) =>
            queryNames?.Contains(name, StringComparer.OrdinalIgnoreCase) == true || operation.SensitiveInput.Contains(name.Split('.')[0], StringComparer.Ordinal);
        return (Redact(path, Dropped, labels ?? []), Redact(normalizedPath, Dropped, labels ?? []), kept ?? headers);
    }

    // UNSIGNED-PAYLOAD and the streaming markers say how the body was signed, not what it holds.
    private static bool IsBodyDigestOrLength(string name, string value) =>
        name is "content-md5" or "content-length" or "x-amz-decoded-content-length" || StreamingPayload.IsChecksum(name)
        || (name == "x-amz-content-sha256" && SigV4Primitives.IsHexSha256(value));

    private static string? Redact(string? target, Func<string, bool> droppedQuery, List<string> labels)
    {
        if (target is null)
        {
            return null;
        }

        var q = target.IndexOf('?');
        var path = q < 0 ? target : target[..q];
        if (labels.Count > 0)
        {
            path = string.Join('/', path.Split('/')
                .Select(segment => labels.Contains(Uri.UnescapeDataString(segment), StringComparer.Ordinal) ? Masker.FullMask : segment));
        }

        foreach (var label in labels.Where(l => l.Contains('/')))
        {
            // A greedy label spans segments, each escaped on its own or not at all.
            path = path.Replace(label, Masker.FullMask, StringComparison.Ordinal)
                .Replace(string.Join('/', label.Split('/').Select(Uri.EscapeDataString)), Masker.FullMask, StringComparison.Ordinal);
            if (Uri.UnescapeDataString(path).Contains(label, StringComparison.Ordinal))
            {
                path = Masker.FullMask; // written some other way: none of the path is kept
            }
        }

        return q < 0 ? path : WithoutQueryParameters(path + target[q..], path.Length, droppedQuery);
    }

    // Names are compared as a server reads them, percent-decoded: X%2DAmz%2DSignature is the signature.
    private static string WithoutQueryParameters(string target, int q, Func<string, bool> dropped)
    {
        var kept = target[(q + 1)..].Split('&').Where(p =>
        {
            var equals = p.IndexOf('=');
            return !dropped(Uri.UnescapeDataString(equals < 0 ? p : p[..equals]));
        });
        var rest = string.Join('&', kept);
        return target[..q] + (rest.Length > 0 ? "?" + rest : "");
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

    /// <summary>
    /// The start of a buffered body as text, through the detectors; null when it holds members the model marks sensitive.
    /// A json body is read member by member first (a value is judged by its name, or by the name it is paired with), so
    /// one too large to read that way is not kept.
    /// </summary>
    public static string? Body(ReadOnlySpan<byte> body, int limit, bool hasSensitiveInput, MaskPlanner masking, bool json, bool dynamoDb, bool form = false)
    {
        if (limit <= 0 || body.IsEmpty || hasSensitiveInput)
        {
            return null;
        }

        if (json && !masking.Recording.IsEmpty)
        {
            if (body.Length > MaxJsonBodyRead)
            {
                return null;
            }

            try
            {
                // Every string was read by the detectors, each with its name: the text needs no second reading.
                var read = JsonMasker.Mask(body, masking.RecordingPlan, masking.Masker, dynamoDb, new MaskReport()) ?? body;
                return System.Text.Encoding.UTF8.GetString(read[..Math.Min(read.Length, limit)]);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not json after all (the call was refused for it, or it is not the protocol's): the text path below.
            }
        }

        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, limit)]);
        text = (form ? DetectedForm(text, masking) : null) ?? text;
        return masking.Recording.Apply(text, null, new List<string>(0)) ?? text;
    }

    /// <summary>
    /// A query form read pair by pair, each value judged by its name or its pair's (<c>….ParameterValue</c> by its
    /// <c>….ParameterKey</c>); null when nothing in it was found. The text is read again after, for what spans pairs.
    /// </summary>
    private static string? DetectedForm(string text, MaskPlanner masking)
    {
        var pairs = text.Split('&').Select(p => p.Split('=', 2)).Select(p => (Name: Decode(p[0]), Value: p.Length > 1 ? Decode(p[1]) : null)).ToArray();
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            form.TryAdd(name, value ?? "");
        }

        var hits = new List<string>(0);
        var changed = false;
        var kept = pairs.Select(p =>
        {
            var found = p.Value is null ? null : masking.Recording.Apply(p.Value, MaskPlanner.FieldOf(form, p.Name), hits);
            changed |= found is not null;
            return Uri.EscapeDataString(p.Name) + (p.Value is null ? "" : "=" + Uri.EscapeDataString(found ?? p.Value));
        }).ToArray();
        return changed ? string.Join('&', kept) : null;

        static string Decode(string part) => Uri.UnescapeDataString(part.Replace('+', ' '));
    }

    private static string Cut(string value) => value.Length <= MaxValue ? value : value[..MaxValue] + "…";
}
