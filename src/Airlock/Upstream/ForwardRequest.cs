using Airlock.Aws.Catalog;
using Airlock.Aws.SigV4;

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
    string? DeclaredContentSha256);

/// <summary>How a forward ended, as a result rather than an exception.</summary>
internal enum ForwardOutcome
{
    Completed,
    UpstreamUnreachable,
    RequestBodyInvalid,
    ClientAborted,
}
