using Airlock.Audit;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// One SigV4 call handed to the shared stages: run by re-signing it with the upstream credential and streaming it to the
/// connection's endpoint, and refused in AWS's words for its protocol.
/// </summary>
internal sealed class AwsCallRun(
    Forwarder forwarder,
    Func<CallContext, Refusal, Task> refuse,
    ILogger logger,
    CallContext call,
    SigV4Authorization auth,
    SigV4Authenticator.Verified sent,
    ResolvedOperation operation,
    ResponseMasking? masking,
    int recordResponseBytes) : IFrontEnd
{
    public Task RefuseAsync(Call refused, Refusal refusal) => refuse(call, refusal);

    public IExecution Prepare(Call prepared, ConnectionOptions connection, UpstreamCredentials credentials)
    {
        var (body, payloadHash, decodedLength, trailerName) = (sent.Body, sent.PayloadHash, sent.DecodedLength, sent.TrailerName);
        ChunkedUpload? chunked = null;
        if (StreamingPayload.IsStreaming(payloadHash))
        {
            var verifier = StreamingPayload.HasChunkSignatures(payloadHash)
                ? new ChunkSigner(SigV4Primitives.DeriveSigningKey(sent.Session.SecretAccessKey, auth.Scope.Date, auth.Scope.Region, auth.Scope.Service),
                    auth.AmzDate, auth.Scope.ToString(), auth.Signature)
                : null;
            chunked = new ChunkedUpload(new AwsChunkedReader(call.Http.Request.Body, verifier, trailerName is not null, decodedLength), decodedLength, trailerName);
            payloadHash = chunked.UpstreamPayload;
        }

        if (operation.UpstreamBody is { } rebuilt)
        {
            // What goes upstream is the body as Airlock read it, rebuilt: signed with its own hash.
            body = rebuilt;
            payloadHash = SigV4Primitives.Sha256Hex(rebuilt.Span);
        }

        var forward = new ForwardRequest(connection, credentials, operation.Service, auth.Scope.Region, sent.Head, body, payloadHash, sent.DeclaredSha, chunked, masking)
        {
            // A masked response records its own (masked) start; only an unmasked one is worth asking about.
            RecordResponseBytes = masking is null ? recordResponseBytes : 0,
            CallerSignedHeaders = auth.SignedHeaders,
        };
        return new Execution(forwarder, logger, call, operation.Action, forward, forwarder.Prepare(call.Http, forward));
    }

    private sealed class Execution(
        Forwarder forwarder, ILogger logger, CallContext call, string action, ForwardRequest forward, HttpRequestMessage message) : IExecution
    {
        public async Task<Executed> RunAsync(Call executed)
        {
            var http = call.Http;
            var forwarded = await forwarder.SendAsync(http, forward, message);
            if (forwarded.HeadersAt is { } headersAt)
            {
                call.Mark("upstream", headersAt);
            }

            call.Mark("response");
            var (outcome, status, bodyError) = forwarded;
            if (!http.Response.HasStarted && Answer(outcome, status, bodyError, forwarded.UpstreamRequestId, forward.Connection.Name) is { } error)
            {
                if (outcome is not (ForwardOutcome.UpstreamUnreachable or ForwardOutcome.UpstreamAnswerLost))
                {
                    GatewayHandler.Log.CallRefused(logger, call.RequestId, error.Code, error.Message);
                }

                await AwsErrorWriter.WriteAsync(http, call.Protocol, error, call.RequestId);
            }

            GatewayHandler.Log.CallCompleted(logger, call.RequestId, call.Session?.Subject, forward.Connection.Name, action, CallDecision.Allow.Wire(), status, call.ElapsedMs,
                forward.DeclaredContentSha256 is null || SigV4Primitives.IsHexSha256(forward.DeclaredContentSha256) ? "signed" : forward.DeclaredContentSha256);
            return new Executed(status, outcome switch
            {
                ForwardOutcome.UpstreamUnreachable => "upstream unreachable",
                ForwardOutcome.UpstreamAnswerLost => "sent upstream; the connection ended before an answer, so the call may have run",
                ForwardOutcome.RequestBodyInvalid => $"request body refused, upstream request aborted: {bodyError?.Message}",
                ForwardOutcome.ClientAborted => "caller went away",
                ForwardOutcome.UpstreamAnswerBroken => $"executed upstream (status {status}, upstream request id {forwarded.UpstreamRequestId ?? "none given"}); its answer broke off, and the caller's connection was cut",
                ForwardOutcome.MaskingFailed => $"executed upstream (status {status}, upstream request id {forwarded.UpstreamRequestId ?? "none given"}); response withheld: {bodyError?.Message}",
                _ => null,
            })
            {
                Masked = forwarded.Masked?.Fields ?? [],
                RecordedResponse = forwarded.Masked?.RecordedBody ?? forwarded.RecordedResponse,
                UpstreamRequestId = forwarded.UpstreamRequestId,
            };
        }

        /// <summary>What the caller is told when the forward did not relay a response.</summary>
        private AwsError? Answer(ForwardOutcome outcome, int? status, Exception? bodyError, string? upstreamRequestId, string connection) => outcome switch
        {
            ForwardOutcome.UpstreamUnreachable => AwsError.UpstreamUnavailable(connection),
            ForwardOutcome.UpstreamAnswerLost => AwsError.UpstreamAnswerLost(connection),
            ForwardOutcome.MaskingFailed => AwsError.ResponseWithheld(action, status, upstreamRequestId, bodyError?.Message),
            ForwardOutcome.RequestBodyInvalid => bodyError switch
            {
                AwsChunkedException { SignatureMismatch: true } => AwsError.SignatureDoesNotMatch(bodyError.Message),
                AwsChunkedException => new AwsError(400, "IncompleteBody", bodyError.Message),
                _ => new AwsError(400, "XAmzContentSHA256Mismatch", "The body does not match its x-amz-content-sha256."),
            },
            _ => null,
        };

        public void Dispose() => message.Dispose();
    }
}
