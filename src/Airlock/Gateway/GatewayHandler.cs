using Airlock.Audit;
using Airlock.Aws.Errors;
using Airlock.Aws.SigV4;
using Airlock.Masking;

namespace Airlock.Gateway;

/// <summary>
/// The AWS API front end's door: every request that is not one of Airlock's own endpoints. A signed call goes to the
/// shared stages through <see cref="SignedCallHandler"/>, an unsigned one can only be the STS token exchange. Anything
/// that cannot be established is refused with an AWS-style error, and nothing is sent upstream.
/// </summary>
internal sealed partial class GatewayHandler(SignedCallHandler signed, StsDoor sts, AwsAnswers answers, MaskPlanner masking, ILogger<GatewayHandler> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var call = new CallContext(http) { Headers = RecordedRequest.Headers(http.Request.Headers, masking.Recording) };
        var span = Telemetry.CallTracing.Start(http.Request.Headers.TraceParent, http.Request.Headers.TraceState);
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
        finally
        {
            if (span is not null)
            {
                Telemetry.CallTracing.End(span, call.FrontEnd, call.Service, call.Operation, call.Region, call.Session?.Connection, call.Session?.Id, call.Timings);
            }
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
        await signed.HandleAsync(call, head, auth);
    }

    private static SigV4Authorization? ReadAuthorization(SignableRequest head, out bool present)
    {
        var header = head.Header("authorization");
        if (header is not null)
        {
            present = true;
            return SigV4Authorization.FromHeader(header, head.Header("x-amz-date"), head.Header("x-amz-security-token"));
        }

        present = SigV4Authorization.IsPresignedQuery(head.Query);
        return present ? SigV4Authorization.FromQuery(head.Query) : null;
    }
}
