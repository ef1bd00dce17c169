using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Identity;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// Who signed a call, and whether the signature holds: the session its access key names (live, not revoked, its token
/// the session's), the payload bound to the signature (a json or query body read and hashed; an S3 body's declared
/// hash or an aws-chunked upload's framing), the SigV4 signature itself, and every x-amz-* header signed.
/// </summary>
internal sealed class SigV4Authenticator(
    ServiceCatalog catalog, ISessionStore sessions, AssumeRoleCredentials assumedRoles, BufferedBodyReader bodies, TimeProvider time,
    ILogger<SigV4Authenticator> logger)
{
    /// <summary>A call refused while it was being authenticated; <paramref name="Audited"/> false where no record can be written.</summary>
    public sealed record Refused(AwsError Error, bool Audited = true);

    /// <summary>What the caller signed, verified; the call's session is set on it.</summary>
    public sealed record Verified(
        Session Session, SignableRequest Head, ReadOnlyMemory<byte>? Body, string PayloadHash, string? DeclaredSha, long DecodedLength, string? TrailerName,
        DateTimeOffset Now);

    public async Task<(Verified? Verified, Refused? Refused)> VerifyAsync(CallContext call, SignableRequest head, SigV4Authorization auth)
    {
        // Named before anything can refuse the call, so that a refusal speaks the caller's protocol.
        call.Service = auth.Scope.Service;
        call.Protocol = OperationResolver.GuessProtocol(catalog.BySigningName(auth.Scope.Service), head);
        StoredSession? stored;
        try
        {
            stored = await sessions.FindByAccessKeyAsync(auth.AccessKeyId, call.Aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayHandler.Log.SessionStoreFailed(logger, call.RequestId, e);
            return (null, new Refused(new AwsError(503, "ServiceUnavailable", "Airlock cannot read its session store; the call was not sent."), Audited: false));
        }

        if (stored is null)
        {
            return (null, new Refused(AwsError.InvalidClientTokenId($"The access key id {auth.AccessKeyId} is not an Airlock session.")));
        }

        var session = stored.Session;
        call.Session = session;
        call.SessionsVersion = stored.SessionsVersion;
        var now = time.GetUtcNow();
        if (SessionRefusal(session, stored, auth, now) is { } unusable)
        {
            return (null, new Refused(unusable));
        }

        head = head with { IsS3 = auth.Scope.Service == "s3" };
        var payload = await PayloadAsync(call, head, auth);
        if (payload.Refused is { } refused)
        {
            return (null, refused);
        }

        var check = SigV4Verifier.Verify(head, auth, session.SecretAccessKey, payload.Hash, now);
        if (check != SignatureCheck.Valid)
        {
            return (null, new Refused(check switch
            {
                SignatureCheck.ClockSkew => new AwsError(403, "RequestTimeTooSkewed", "The request time is more than 15 minutes from Airlock's clock."),
                SignatureCheck.PresignedExpired => new AwsError(403, "AccessDenied", "The presigned URL has expired."),
                _ => AwsError.SignatureDoesNotMatch("The request signature Airlock calculated does not match the signature you provided. Check your Airlock session credentials and signing method."),
            }));
        }

        if (UnsignedAmzHeader(head, auth) is { } unsigned)
        {
            // As S3 does: an x-amz-* header changes what a call does, so Airlock re-signs none the caller did not sign.
            return (null, new Refused(new AwsError(403, "AccessDenied", $"There were headers present in the request which were not signed: {unsigned}.")));
        }

        return (new Verified(session, head, payload.Body, payload.Hash, payload.Declared, payload.DecodedLength, payload.Trailer, now), null);
    }

    /// <summary>Why a session cannot be used (revoked, expired, another session's token), or null.</summary>
    private AwsError? SessionRefusal(Session session, StoredSession stored, SigV4Authorization auth, DateTimeOffset now)
    {
        if (session.RevokedAt is not null)
        {
            assumedRoles.Discard(session.Id, "session revoked");
            return AwsError.InvalidClientTokenId(Session.RevokedMessage(session.Id));
        }

        if (now >= session.ExpiresAt)
        {
            assumedRoles.Discard(session.Id, "session expired");
            return AwsError.ExpiredToken($"Airlock session {session.Id} expired at {StsResponses.Iso(session.ExpiresAt)}; get new credentials.");
        }

        return auth.SecurityToken is null || !SigV4Primitives.SignaturesEqual(stored.SessionTokenHash, SigV4Primitives.Sha256Hex(auth.SecurityToken))
            ? AwsError.InvalidClientTokenId("The session token does not belong to this access key id.")
            : null;
    }

    private readonly record struct Payload(ReadOnlyMemory<byte>? Body, string Hash, string? Declared, long DecodedLength, string? Trailer, Refused? Refused);

    /// <summary>The payload hash the signature covers: an S3 body's declared one (streamed later), or the hash of a body read whole.</summary>
    private async Task<Payload> PayloadAsync(CallContext call, SignableRequest head, SigV4Authorization auth)
    {
        var declared = head.Header("x-amz-content-sha256");
        if (head.IsS3)
        {
            var hash = declared ?? (auth.IsPresigned ? SigV4Primitives.UnsignedPayload : "");
            if (StreamingPayload.IsStreaming(hash))
            {
                return ChunkedUploadError(head, hash, out var decodedLength, out var trailer) is { } error
                    ? new Payload(null, hash, declared, 0, null, new Refused(error))
                    : new Payload(null, hash, declared, decodedLength, trailer, null);
            }

            return hash != SigV4Primitives.UnsignedPayload && !SigV4Primitives.IsHexSha256(hash)
                ? new Payload(null, hash, declared, 0, null, new Refused(AwsError.Malformed("S3 requests must carry x-amz-content-sha256.")))
                : new Payload(null, hash, declared, 0, null, null);
        }

        var (body, tooMuch) = await bodies.ReadAsync(call.Http.Request, call.Aborted);
        if (tooMuch is not null)
        {
            return new Payload(null, "", declared, 0, null, new Refused(tooMuch));
        }

        var bodyHash = SigV4Primitives.Sha256Hex(body.Span);
        var refusal = declared == SigV4Primitives.UnsignedPayload
            // AWS takes UNSIGNED-PAYLOAD for S3 object bodies only: elsewhere the body must be bound to the signature.
            ? AwsError.Malformed("Only S3 bodies may be sent as UNSIGNED-PAYLOAD: sign this call's body.")
            : declared is not null && declared != bodyHash
                ? new AwsError(400, "XAmzContentSHA256Mismatch", "The body does not match its x-amz-content-sha256.")
                : null;
        return new Payload(body, bodyHash, declared, 0, null, refusal is null ? null : new Refused(refusal));
    }

    /// <summary>The first x-amz-* header the caller sent but did not sign (a presigned URL signs only what it lists), or null.</summary>
    private static string? UnsignedAmzHeader(SignableRequest head, SigV4Authorization auth)
    {
        foreach (var (name, _) in head.Headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.Ordinal) && !auth.SignedHeaders.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Why an aws-chunked upload cannot be taken, or null when its headers are complete.</summary>
    private static AwsError? ChunkedUploadError(SignableRequest head, string payload, out long decodedLength, out string? trailerName)
    {
        trailerName = null;
        decodedLength = 0;
        if (!StreamingPayload.IsSupported(payload))
        {
            return new AwsError(501, "NotImplemented", $"Airlock does not accept {payload} uploads; use SigV4 (not SigV4a) signing.");
        }

        if (!long.TryParse(head.Header("x-amz-decoded-content-length"), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out decodedLength))
        {
            return new AwsError(411, "MissingContentLength", "aws-chunked uploads must carry x-amz-decoded-content-length.");
        }

        if (StreamingPayload.HasTrailer(payload))
        {
            trailerName = head.Header("x-amz-trailer")?.Trim().ToLowerInvariant();
            if (trailerName is null || StreamingPayload.TrailerValueLength(trailerName) is null)
            {
                return AwsError.Malformed($"aws-chunked uploads with a trailer must announce one checksum trailer (x-amz-trailer); got '{trailerName}'.");
            }
        }

        return null;
    }
}
