using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
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
    ServiceCatalog catalog,
    SigV4Authenticator authenticator,
    AwsCallResolver callResolver,
    CallPipeline pipeline,
    AwsAnswers answers,
    Forwarder forwarder,
    MaskPlanner masking,
    StsDoor sts,
    PermissionsEndpoint permissions,
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
            await answers.RefuseAsync(call, new AwsError(500, "InternalFailure", $"Airlock could not handle this call (request {call.RequestId}); nothing was sent upstream."));
        }
    }

    private async Task HandleCallAsync(CallContext call)
    {
        var http = call.Http;
        var head = IncomingRequest.Read(http);
        if (!head.RawPath.StartsWith('/'))
        {
            // An absolute-form (proxy) target, or none: Airlock is not a proxy to wherever the caller names.
            await answers.RefuseAsync(call, AwsError.Malformed("The request target must be a path (origin form), not an absolute URL."));
            return;
        }

        var auth = ReadAuthorization(head, out var hasAuthorization);
        if (auth is null)
        {
            if (!hasAuthorization)
            {
                await sts.ExchangeAsync(call, head);
                return;
            }

            await answers.RefuseAsync(call, AwsError.Malformed("The request's authorization is malformed or not Signature Version 4, the only signing Airlock accepts."));
            return;
        }

        call.AccessKeyId = auth.AccessKeyId;
        call.Service = auth.Scope.Service;
        call.Protocol = OperationResolver.GuessProtocol(catalog.BySigningName(auth.Scope.Service), head);
        var (verified, unverified) = await authenticator.VerifyAsync(call, head, auth);
        if (unverified is not null)
        {
            await answers.RefuseAsync(call, unverified.Error, unverified.Audited);
            return;
        }

        var session = verified!.Session;
        call.Mark("verify");
        if (verified.Head.RawPath == PermissionsEndpoint.Path && HttpMethods.IsGet(verified.Head.Method))
        {
            await permissions.AnswerAsync(call, session);
            return;
        }

        var (resolved, unknown) = await callResolver.ResolveAsync(call, verified, auth);
        if (unknown is not null)
        {
            await answers.RefuseAsync(call, unknown);
            return;
        }

        var operation = resolved!.Operation;
        call.Mark("resolve");

        if (operation.Action == "sts:GetCallerIdentity")
        {
            await sts.AnswerCallerIdentityAsync(call, session);
            return;
        }

        var policyRequest = new PolicyRequest(session.Subject, session.Groups, session.Connection, operation.Action, operation.Resources)
        {
            IamAction = operation.IamAction,
            AccessLevel = operation.AccessLevel,
            Issuer = session.Issuer,
            Region = auth.Scope.Region,
            SourceIp = http.Connection.RemoteIpAddress,
            Time = verified.Now,
            Parameters = operation.Parameters,
        };
        var sent = resolved.Verified;
        var run = new AwsCallRun(forwarder, answers.RefuseAsync, logger, call, auth, sent, operation, ResponseMaskingFor(operation, session), RecordedResponseBytes(operation));
        if (await pipeline.RunAsync(call, policyRequest, operation.AlsoRequires, operation.Parameters, run) is { } executed)
        {
            Log.CallCompleted(logger, call.RequestId, session.Subject, session.Connection, operation.Action, CallDecision.Allow.Wire(), executed.Status, call.ElapsedMs,
                sent.DeclaredSha is null || SigV4Authenticator.IsHexSha256(sent.DeclaredSha) ? "signed" : sent.DeclaredSha);
        }
    }
}
