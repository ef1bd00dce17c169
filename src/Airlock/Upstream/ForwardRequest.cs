using Airlock.Aws.Catalog;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Masking;

namespace Airlock.Upstream;

/// <summary>A verified, allowed call, ready to be re-signed and sent to the connection's endpoint.</summary>
/// <param name="Caller">The caller's request head (its query still holds any presigning parameters).</param>
/// <param name="Body">The caller's body as buffered bytes, or null to stream it from the request.</param>
/// <param name="PayloadHash">The payload hash to sign upstream: a hex SHA-256 or UNSIGNED-PAYLOAD.</param>
internal sealed record ForwardRequest(
    ConnectionOptions Connection,
    UpstreamCredentials Credentials,
    ServiceModel Service,
    string Region,
    SignableRequest Caller,
    ReadOnlyMemory<byte>? Body,
    string PayloadHash,
    string? DeclaredContentSha256,
    ChunkedUpload? Chunked = null,
    ResponseMasking? Masking = null)
{
    /// <summary>How many bytes of an unmasked response the audit record keeps (0: none; only where masking would change nothing).</summary>
    public int RecordResponseBytes { get; init; }

    /// <summary>The headers the caller's signature covers (lower case): only these are signed again upstream.</summary>
    public IReadOnlyList<string> CallerSignedHeaders { get; init; } = [];
}

/// <summary>A caller's aws-chunked body, verified as it is read, to be re-framed and re-signed upstream.</summary>
internal sealed record ChunkedUpload(AwsChunkedReader Reader, long DecodedLength, string? TrailerName)
{
    public string UpstreamPayload => TrailerName is null ? StreamingPayload.Signed : StreamingPayload.SignedTrailer;
}

/// <summary>How a forward ended, with the reason the caller's body was refused mid-stream (or the response could not be masked), if it was.</summary>
internal readonly record struct ForwardResult(ForwardOutcome Outcome, int? Status, Exception? BodyError = null)
{
    /// <summary>What masking did to the response, when the call had anything to mask.</summary>
    public MaskReport? Masked { get; init; }

    /// <summary>The start of a response that needed no masking (UTF-8), when asked for.</summary>
    public byte[]? RecordedResponse { get; init; }

    /// <summary>When the upstream's response headers arrived (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long? HeadersAt { get; init; }

    public string? UpstreamRequestId { get; init; }
}

/// <summary>How a forward ended, as a result rather than an exception.</summary>
internal enum ForwardOutcome
{
    Completed,

    /// <summary>No byte of the request reached the upstream: it could not be connected to.</summary>
    UpstreamUnreachable,

    /// <summary>The request went upstream and its connection ended before an answer: the call may have run.</summary>
    UpstreamAnswerLost,

    RequestBodyInvalid,

    /// <summary>The upstream's answer began and broke off: the call ran, and the caller's connection was cut.</summary>
    UpstreamAnswerBroken,

    ClientAborted,

    /// <summary>The response needed masking and could not be (too large, malformed): nothing of it was sent.</summary>
    MaskingFailed,
}
