namespace Airlock.Gateway;

/// <summary>The <c>limits</c> section: how much of the callers' bodies the AWS API front end holds in memory.</summary>
internal sealed class LimitOptions
{
    /// <summary>The largest body Airlock reads whole (json, query): bigger ones are refused. S3 bodies are streamed.</summary>
    public long MaxBufferedBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most body bytes read whole that all calls together may hold at once; calls beyond it are refused with a retryable 503.</summary>
    public long MaxBufferedBytesInFlight { get; set; } = 256 * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (MaxBufferedBodyBytes < 1 || MaxBufferedBytesInFlight < MaxBufferedBodyBytes)
        {
            yield return "limits.maxBufferedBodyBytes and limits.maxBufferedBytesInFlight: must be 1 or more, and the second at least the first (or no body of the largest size could ever be read).";
        }
    }
}
