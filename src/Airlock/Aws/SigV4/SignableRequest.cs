namespace Airlock.Aws.SigV4;

/// <summary>The parts of an HTTP request that SigV4 covers, as they were (or will be) sent.</summary>
internal sealed record SignableRequest(
    string Method,
    string RawPath,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool IsS3)
{
    public string? Header(string lowerName)
    {
        string? found = null;
        foreach (var h in Headers)
        {
            if (h.Key == lowerName)
            {
                found = found is null ? h.Value : found + "," + h.Value;
            }
        }

        return found;
    }

    /// <summary>The hex SHA-256 of this request's canonical form, as the string to sign carries it.</summary>
    public string CanonicalRequestHash(IReadOnlyList<string> signedHeaders, string payloadHash, string? excludeQuery = null) =>
        SigV4.CanonicalRequest.Sha256Hex(
            Method,
            SigV4.CanonicalRequest.CanonicalUri(RawPath, IsS3),
            CanonicalQuery.Build(Query, excludeQuery),
            Headers,
            signedHeaders,
            payloadHash);
}
