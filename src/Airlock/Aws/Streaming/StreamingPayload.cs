namespace Airlock.Aws.Streaming;

/// <summary>The aws-chunked payload kinds, named by the x-amz-content-sha256 value that announces them.</summary>
internal static class StreamingPayload
{
    public const string Signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string SignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string UnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>The largest chunk Airlock holds in memory to check its signature.</summary>
    public const int MaxChunkSize = 16 * 1024 * 1024;

    public static bool IsStreaming(string? contentSha256) =>
        contentSha256 is not null && contentSha256.StartsWith("STREAMING-", StringComparison.Ordinal);

    public static bool IsSupported(string contentSha256) => contentSha256 is Signed or SignedTrailer or UnsignedTrailer;

    public static bool HasTrailer(string contentSha256) => contentSha256 is SignedTrailer or UnsignedTrailer;

    public static bool HasChunkSignatures(string contentSha256) => contentSha256 is Signed or SignedTrailer;

    /// <summary>Whether the name is one of AWS's flexible checksums of a body (<c>x-amz-checksum-crc32</c>, …), as a header or a trailer.</summary>
    public static bool IsChecksum(string name) => TrailerValueLength(name) is not null;

    /// <summary>The length of a checksum trailer's base64 value, so the upstream body's length is known in advance.</summary>
    public static int? TrailerValueLength(string trailerName) => trailerName.ToLowerInvariant() switch
    {
        "x-amz-checksum-crc32" or "x-amz-checksum-crc32c" => 8,
        "x-amz-checksum-crc64nvme" => 12,
        "x-amz-checksum-sha1" => 28,
        "x-amz-checksum-sha256" => 44,
        _ => null,
    };
}
