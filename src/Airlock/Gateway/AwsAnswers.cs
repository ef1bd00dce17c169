using System.Text;
using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Pipeline;

namespace Airlock.Gateway;

/// <summary>How the AWS API front end answers a call itself: refusals in AWS's words (recorded, logged), and Airlock's own answers.</summary>
internal sealed class AwsAnswers(CallRecorder recorder, ILogger<AwsAnswers> logger)
{
    /// <summary>A refusal of the shared stages, in AWS's words for the protocol the call speaks.</summary>
    public Task RefuseAsync(CallContext call, Refusal refusal) => RefuseAsync(call, refusal.Kind switch
    {
        RefusalKind.AccessDenied => AwsError.AccessDenied(refusal.Message, call.Protocol is WireProtocol.Json or WireProtocol.RestJson or WireProtocol.Cbor),
        RefusalKind.ApprovalDenied => new AwsError(403, "AirlockApprovalDenied", refusal.Message),
        RefusalKind.ApprovalPending => new AwsError(403, "AirlockApprovalPending", refusal.Message),
        RefusalKind.SessionRevoked => AwsError.InvalidClientTokenId(refusal.Message),
        // RecordUnavailable, NoUpstreamCredential, HandedBack: Airlock could not go on here; a retry (which SDKs make on a 503) may find it can.
        _ => new AwsError(503, "ServiceUnavailable", refusal.Message),
    }, refusal.Recorded, refusal.Decision);

    /// <summary>The call's record could not be written: the call is refused, and only the log says why.</summary>
    public async Task RefuseUnrecordedAsync(CallContext call, Exception failure)
    {
        recorder.Unrecorded(call, failure);
        await RefuseAsync(call, Refusal.Unrecorded(failure));
    }

    public async Task RefuseAsync(CallContext call, AwsError error, bool audited = true, CallDecision decision = CallDecision.Refuse)
    {
        GatewayHandler.Log.CallRefused(logger, call.RequestId, error.Code, error.Message);
        if (audited)
        {
            await recorder.RecordRefusalAsync(call, decision, error.RecordedReason);
        }

        await AwsErrorWriter.WriteAsync(call.Http, call.Protocol, error, call.RequestId);
    }

    /// <summary>Records a call Airlock answers itself; false (and refused) when the record cannot be written.</summary>
    public async Task<bool> TryRecordAsync(CallContext call, CallDecision decision, string reason, int status)
    {
        try
        {
            await recorder.RecordAsync(call, decision, reason, status);
            return true;
        }
        catch (SessionRevokedException revoked)
        {
            await RefuseAsync(call, Refusal.Revoked(revoked));
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RefuseUnrecordedAsync(call, e);
            return false;
        }
    }

    public static Task WriteXmlAsync(CallContext call, string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "text/xml";
        call.Http.Response.ContentLength = bytes.Length;
        call.Http.Response.Headers["x-amzn-RequestId"] = call.RequestId;
        return call.Http.Response.Body.WriteAsync(bytes).AsTask();
    }
}
