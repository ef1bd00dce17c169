using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// The data path of one call: verify the session's signature, resolve the operation, decide, record,
/// re-sign with the upstream credential and stream it to the connection. Anything that cannot be
/// established is refused with an AWS-style error, and nothing is sent upstream.
/// </summary>
internal sealed partial class GatewayHandler(
    GatewayOptions options,
    Connections connections,
    ServiceCatalog catalog,
    OperationResolver resolver,
    ISessionStore sessions,
    SessionIssuer issuer,
    TokenValidator tokens,
    CallPipeline pipeline,
    CallRecorder recorder,
    Forwarder forwarder,
    AssumeRoleCredentials assumedRoles,
    PolicyHolder policyHolder,
    MaskPlanner masking,
    BufferedBodyBudget bodyBudget,
    TimeProvider time,
    ILogger<GatewayHandler> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var call = new CallContext(http) { Headers = RecordedRequest.Headers(http.Request.Headers, masking.Recording) };
        try
        {
            await HandleCallAsync(call);
        }
        catch (Exception e) when (!call.SentUpstream && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            // Whatever Airlock did not foresee still ends as a refusal in the caller's protocol, recorded, with nothing sent.
            Log.CallFailed(logger, call.RequestId, e);
            await RefuseAsync(call, new AwsError(500, "InternalFailure", $"Airlock could not handle this call (request {call.RequestId}); nothing was sent upstream."));
        }
    }

    private async Task HandleCallAsync(CallContext call)
    {
        var http = call.Http;
        var head = IncomingRequest.Read(http);
        if (!head.RawPath.StartsWith('/'))
        {
            // An absolute-form (proxy) target, or none: Airlock is not a proxy to wherever the caller names.
            await RefuseAsync(call, AwsError.Malformed("The request target must be a path (origin form), not an absolute URL."));
            return;
        }

        var auth = ReadAuthorization(head, out var hasAuthorization);
        if (auth is null)
        {
            if (!hasAuthorization)
            {
                await HandleUnsignedAsync(call, head);
                return;
            }

            await RefuseAsync(call, AwsError.Malformed("The request's authorization is malformed or not Signature Version 4, the only signing Airlock accepts."));
            return;
        }

        call.AccessKeyId = auth.AccessKeyId;
        call.Service = auth.Scope.Service;
        var services = catalog.BySigningName(auth.Scope.Service);
        call.Protocol = OperationResolver.GuessProtocol(services, head);

        StoredSession? stored;
        try
        {
            stored = await sessions.FindByAccessKeyAsync(auth.AccessKeyId, http.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SessionStoreFailed(logger, call.RequestId, e);
            await RefuseAsync(call, new AwsError(503, "ServiceUnavailable", "Airlock cannot read its session store; the call was not sent."), audited: false);
            return;
        }

        if (stored is null)
        {
            await RefuseAsync(call, AwsError.InvalidClientTokenId($"The access key id {auth.AccessKeyId} is not an Airlock session."));
            return;
        }

        var session = stored.Session;
        call.Session = session;
        var now = time.GetUtcNow();
        if (session.RevokedAt is not null)
        {
            assumedRoles.Discard(session.Id, "session revoked");
            await RefuseAsync(call, AwsError.InvalidClientTokenId($"Airlock session {session.Id} has been revoked."));
            return;
        }

        if (now >= session.ExpiresAt)
        {
            assumedRoles.Discard(session.Id, "session expired");
            await RefuseAsync(call, AwsError.ExpiredToken($"Airlock session {session.Id} expired at {StsResponses.Iso(session.ExpiresAt)}; get new credentials."));
            return;
        }

        if (auth.SecurityToken is null || !SigV4Primitives.SignaturesEqual(stored.SessionTokenHash, SigV4Primitives.Sha256Hex(auth.SecurityToken)))
        {
            await RefuseAsync(call, AwsError.InvalidClientTokenId("The session token does not belong to this access key id."));
            return;
        }

        var isS3 = auth.Scope.Service == "s3";
        head = head with { IsS3 = isS3 };
        var declaredSha = head.Header("x-amz-content-sha256");
        ReadOnlyMemory<byte>? body = null;
        string payloadHash;
        long decodedLength = 0;
        string? trailerName = null;
        if (isS3)
        {
            payloadHash = declaredSha ?? (auth.IsPresigned ? SigV4Primitives.UnsignedPayload : "");
            if (StreamingPayload.IsStreaming(payloadHash))
            {
                if (ChunkedUploadError(head, payloadHash, out decodedLength, out trailerName) is { } error)
                {
                    await RefuseAsync(call, error);
                    return;
                }
            }
            else if (payloadHash != SigV4Primitives.UnsignedPayload && !IsHexSha256(payloadHash))
            {
                await RefuseAsync(call, AwsError.Malformed("S3 requests must carry x-amz-content-sha256."));
                return;
            }
        }
        else
        {
            body = await ReadBufferedBodyAsync(call);
            if (body is null)
            {
                return;
            }

            payloadHash = SigV4Primitives.Sha256Hex(body.Value.Span);
            if (declaredSha == SigV4Primitives.UnsignedPayload)
            {
                // AWS takes UNSIGNED-PAYLOAD for S3 object bodies only: elsewhere the body must be bound to the signature.
                await RefuseAsync(call, AwsError.Malformed("Only S3 bodies may be sent as UNSIGNED-PAYLOAD: sign this call's body."));
                return;
            }

            if (declaredSha is not null && declaredSha != payloadHash)
            {
                await RefuseAsync(call, new AwsError(400, "XAmzContentSHA256Mismatch", "The body does not match its x-amz-content-sha256."));
                return;
            }
        }

        var check = SigV4Verifier.Verify(head, auth, session.SecretAccessKey, payloadHash, now);
        if (check != SignatureCheck.Valid)
        {
            await RefuseAsync(call, check switch
            {
                SignatureCheck.ClockSkew => new AwsError(403, "RequestTimeTooSkewed", "The request time is more than 15 minutes from Airlock's clock."),
                SignatureCheck.PresignedExpired => new AwsError(403, "AccessDenied", "The presigned URL has expired."),
                _ => AwsError.SignatureDoesNotMatch("The request signature Airlock calculated does not match the signature you provided. Check your Airlock session credentials and signing method."),
            });
            return;
        }

        if (UnsignedAmzHeader(head, auth) is { } unsigned)
        {
            // As S3 does: an x-amz-* header changes what a call does, so Airlock re-signs none the caller did not sign.
            await RefuseAsync(call, new AwsError(403, "AccessDenied", $"There were headers present in the request which were not signed: {unsigned}."));
            return;
        }

        call.Mark("verify");
        if (head.RawPath == PermissionsPath && HttpMethods.IsGet(head.Method))
        {
            await AnswerPermissionsAsync(call, session);
            return;
        }

        // From here on an S3 call is seen path-style, whichever addressing the caller signed.
        if (isS3 && VirtualHostedBucket(head) is { } bucket)
        {
            head = head with { RawPath = "/" + bucket + head.RawPath };
        }

        var account = connections.Find(session.Connection)?.AccountId ?? "000000000000";
        var resolved = resolver.Resolve(new ResolveRequest(head, auth.Scope.Service, auth.Scope.Region, body, account));
        if (isS3 && resolved.Operation is { Operation.StreamingInput: false } && !StreamingPayload.IsStreaming(payloadHash) && HasBody(http.Request))
        {
            // Small S3 bodies (DeleteObjects, tagging, CompleteMultipartUpload) are read whole and checked like json/query ones.
            body = await ReadBufferedBodyAsync(call);
            if (body is null)
            {
                return;
            }

            if (IsHexSha256(payloadHash) && !string.Equals(payloadHash, SigV4Primitives.Sha256Hex(body.Value.Span), StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(call, new AwsError(400, "XAmzContentSHA256Mismatch", "The body does not match its x-amz-content-sha256."));
                return;
            }

            resolved = resolver.Resolve(new ResolveRequest(head, auth.Scope.Service, auth.Scope.Region, body, account));
        }

        if (resolved.Operation is not { } operation)
        {
            await RefuseAsync(call, AwsError.UnknownOperation(resolved.Error + " Airlock refuses calls it cannot understand."));
            return;
        }

        call.Service = operation.Service.Id;
        call.Operation = operation.Operation.Name;
        call.Protocol = operation.WireProtocol;
        // The record names everything the call touches: a copy's source and each key deleted, as well as its own resources.
        call.Resources = operation.AlsoRequires.Count == 0 ? operation.Resources
            : operation.Resources.Concat(operation.AlsoRequires.SelectMany(a => a.Resources)).Distinct().ToArray();
        call.Action = operation.Action;
        call.Region = auth.Scope.Region;
        call.Parameters = masking.MaskRecorded(operation.RecordableParameters());
        if (body is { } buffered)
        {
            call.RequestBody = RecordedRequest.Body(buffered.Span, options.RecordedRequestBodyBytes, operation.Operation.SensitiveInput.Count > 0, masking.Recording);
        }

        call.Mark("resolve");

        if (operation.Action == "sts:GetCallerIdentity")
        {
            await AnswerCallerIdentityAsync(call, session);
            return;
        }

        var policyRequest = new PolicyRequest(session.Subject, session.Groups, session.Connection, operation.Action, operation.Resources)
        {
            IamAction = operation.IamAction,
            AccessLevel = operation.AccessLevel,
            Issuer = session.Issuer,
            Region = auth.Scope.Region,
            SourceIp = http.Connection.RemoteIpAddress,
            Time = now,
            Parameters = operation.Parameters,
        };
        var signed = new AwsCallRun.Signed(auth, head, body, payloadHash, declaredSha, decodedLength, trailerName);
        var run = new AwsCallRun(forwarder, RefuseAsync, logger, call, signed, operation, ResponseMaskingFor(operation, session), RecordedResponseBytes(operation));
        if (await pipeline.RunAsync(call, policyRequest, operation.AlsoRequires, operation.Parameters, run) is { } executed)
        {
            Log.CallCompleted(logger, call.RequestId, session.Subject, session.Connection, operation.Action, "allow", executed.Status, call.ElapsedMs,
                declaredSha is null || IsHexSha256(declaredSha) ? "signed" : declaredSha);
        }
    }
}
