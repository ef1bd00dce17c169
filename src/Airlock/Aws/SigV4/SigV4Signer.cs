using System.Globalization;

namespace Airlock.Aws.SigV4;

/// <summary>Signs an outgoing request with the header form of SigV4.</summary>
internal static class SigV4Signer
{
    /// <summary>
    /// Returns the Authorization header value. <paramref name="request"/> must already carry the
    /// x-amz-date header (and x-amz-security-token, when the credential has one) it is signed with.
    /// </summary>
    public static string Authorize(
        SignableRequest request, string accessKeyId, string secretAccessKey, string region, string service,
        DateTimeOffset signedAt, string payloadHash)
    {
        var amzDate = signedAt.UtcDateTime.ToString(SigV4Primitives.AmzDateFormat, CultureInfo.InvariantCulture);
        var scope = new CredentialScope(amzDate[..8], region, service);
        var signedHeaders = SignedHeaders(request.Headers);
        var canonical = request.CanonicalRequestHash(signedHeaders, payloadHash);
        var key = SigV4Primitives.DeriveSigningKey(secretAccessKey, scope.Date, region, service);
        var signature = SigV4Primitives.Sign(key, amzDate, scope, canonical);
        return $"{SigV4Primitives.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}";
    }

    /// <summary>Every header's name once, in ordinal order: the request signs all it carries.</summary>
    private static List<string> SignedHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        // Indexed, as in CanonicalRequest: a foreach over the interface would allocate an enumerator on every call.
        var names = new List<string>(headers.Count);
        for (var i = 0; i < headers.Count; i++)
        {
            names.Add(headers[i].Key);
        }

        names.Sort(StringComparer.Ordinal);
        var kept = 0;
        for (var i = 0; i < names.Count; i++)
        {
            if (kept == 0 || !string.Equals(names[kept - 1], names[i], StringComparison.Ordinal))
            {
                names[kept++] = names[i];
            }
        }

        names.RemoveRange(kept, names.Count - kept);
        return names;
    }

    public static string AmzDate(DateTimeOffset at) =>
        at.UtcDateTime.ToString(SigV4Primitives.AmzDateFormat, CultureInfo.InvariantCulture);
}
