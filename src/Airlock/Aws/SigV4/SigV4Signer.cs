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
        var signedHeaders = request.Headers.Select(h => h.Key).Distinct().Order(StringComparer.Ordinal).ToArray();
        var canonical = request.CanonicalRequestHash(signedHeaders, payloadHash);
        var key = SigV4Primitives.DeriveSigningKey(secretAccessKey, scope.Date, region, service);
        var signature = SigV4Primitives.Sign(key, SigV4Primitives.StringToSign(amzDate, scope.ToString(), canonical));
        return $"{SigV4Primitives.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}";
    }

    public static string AmzDate(DateTimeOffset at) =>
        at.UtcDateTime.ToString(SigV4Primitives.AmzDateFormat, CultureInfo.InvariantCulture);
}
