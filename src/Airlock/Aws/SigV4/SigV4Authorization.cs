using System.Globalization;

namespace Airlock.Aws.SigV4;

/// <summary>What a SigV4-signed request claims: who signed it, for which scope, over which headers, when.</summary>
internal sealed record SigV4Authorization(
    string AccessKeyId,
    CredentialScope Scope,
    IReadOnlyList<string> SignedHeaders,
    string Signature,
    DateTimeOffset SignedAt,
    string AmzDate,
    bool IsPresigned,
    TimeSpan? PresignedExpiry,
    string? SecurityToken)
{
    /// <summary>Reads the Authorization header form.</summary>
    public static SigV4Authorization? FromHeader(string authorization, string? amzDate, string? securityToken)
    {
        if (!authorization.StartsWith(SigV4Primitives.Algorithm + " ", StringComparison.Ordinal) || amzDate is null)
        {
            return null;
        }

        // Read in place: only the three values become strings, once each.
        string? credential = null, signedHeaders = null, signature = null;
        var fields = authorization.AsSpan(SigV4Primitives.Algorithm.Length + 1);
        foreach (var range in fields.Split(','))
        {
            var field = fields[range].Trim();
            var eq = field.IndexOf('=');
            if (eq <= 0)
            {
                return null;
            }

            var value = field[(eq + 1)..].ToString();
            switch (field[..eq])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
                default: return null;
            }
        }

        return Create(credential, signedHeaders, signature, amzDate, presignedExpiry: null, securityToken);
    }

    /// <summary>Reads the presigned-URL form (X-Amz-Algorithm, X-Amz-Credential, … in the query).</summary>
    public static SigV4Authorization? FromQuery(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        string? Get(string name) => query.FirstOrDefault(p => p.Key == name).Value;
        if (Get("X-Amz-Algorithm") != SigV4Primitives.Algorithm
            || !int.TryParse(Get("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires is < 1 or > 604800)
        {
            return null;
        }

        return Create(Get("X-Amz-Credential"), Get("X-Amz-SignedHeaders"), Get("X-Amz-Signature"), Get("X-Amz-Date") ?? "",
            TimeSpan.FromSeconds(expires), Get("X-Amz-Security-Token"));
    }

    /// <summary>Whether a query carries a presigned URL's signature, or any part of one (then it must be whole and valid).</summary>
    public static bool IsPresignedQuery(IReadOnlyList<KeyValuePair<string, string>> query) => query.Any(p => MarksPresigned(p.Key));

    /// <summary>
    /// A query parameter only a presigned URL's signature carries. Any one of them makes a request a signed AWS call:
    /// where it goes (<c>AwsSignature</c>) and how it is read agree, and a partial signature is refused as malformed
    /// rather than read as no signature. Case is ignored, as the routing's query lookup ignores it.
    /// </summary>
    public static bool MarksPresigned(string name) =>
        name.Equals("X-Amz-Algorithm", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Amz-Credential", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Amz-Signature", StringComparison.OrdinalIgnoreCase);

    /// <summary>The query parameters of a presigned URL's signature: not the call's, and never forwarded.</summary>
    public static bool IsPresignParameter(string name) => name is "X-Amz-Algorithm" or "X-Amz-Credential" or "X-Amz-Date" or "X-Amz-Expires"
        or "X-Amz-SignedHeaders" or "X-Amz-Signature" or "X-Amz-Security-Token";

    private static SigV4Authorization? Create(
        string? credential, string? signedHeaders, string? signature, string amzDate, TimeSpan? presignedExpiry, string? securityToken)
    {
        if (credential is null || signedHeaders is null || signature is null
            || signature.Length != 64 || !signature.All(char.IsAsciiHexDigitLower)
            || !CredentialScope.TryParseCredential(credential, out var keyId, out var scope)
            || !DateTimeOffset.TryParseExact(amzDate, SigV4Primitives.AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt)
            || !amzDate.StartsWith(scope.Date, StringComparison.Ordinal))
        {
            return null;
        }

        var headers = signedHeaders.Split(';');
        if (headers.Any(h => h.Length == 0 || h.AsSpan().ContainsAnyInRange('A', 'Z')) || !headers.Contains("host"))
        {
            return null;
        }

        return new SigV4Authorization(keyId, scope, headers, signature, signedAt, amzDate, presignedExpiry is not null,
            presignedExpiry, securityToken);
    }
}
