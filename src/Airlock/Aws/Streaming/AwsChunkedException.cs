namespace Airlock.Aws.Streaming;

/// <summary>An aws-chunked body that is malformed, truncated or wrongly signed. The upload is aborted.</summary>
internal sealed class AwsChunkedException(string message, bool signatureMismatch = false) : IOException(message)
{
    public bool SignatureMismatch { get; } = signatureMismatch;
}
