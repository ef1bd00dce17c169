using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Pipeline;

namespace Airlock.Gateway;

// How a call through the AWS API front end is refused, and how its response is masked.
internal sealed partial class GatewayHandler
{
    /// <summary>The masking of this call's response: the caller's plan (their exemptions applied) and the audit trail's (none).</summary>
    private ResponseMasking? ResponseMaskingFor(ResolvedOperation operation, Session session)
    {
        var caller = masking.Plan(operation.Service, operation.Operation, operation.Action, session.Groups);
        if (caller.IsEmpty)
        {
            return null;
        }

        var options = masking.Options;
        return new ResponseMasking(caller, masking.Plan(operation.Service, operation.Operation, operation.Action, []), operation.Service, operation.Operation,
            masking.Masker, options.MaxBodyBytes, options.AuditResponseBytes, options.Objects.ContentTypes, operation.WireProtocol);
    }

    /// <summary>
    /// How much of a response that is not masked the record keeps: only where masking would change nothing even for a
    /// caller with no exemptions (so an exempt caller's unmasked view never reaches the trail), and never object data.
    /// </summary>
    private int RecordedResponseBytes(ResolvedOperation operation) =>
        operation.Operation.RawOutput is null && masking.Plan(operation.Service, operation.Operation, operation.Action, []).IsEmpty
            ? masking.Options.AuditResponseBytes
            : 0;

    /// <summary>A refusal of the shared stages, in AWS's words for the protocol the call speaks.</summary>
    private Task RefuseAsync(CallContext call, Refusal refusal) => RefuseAsync(call, refusal.Kind switch
    {
        RefusalKind.AccessDenied => AwsError.AccessDenied(refusal.Message, call.Protocol is WireProtocol.Json or WireProtocol.RestJson or WireProtocol.Cbor),
        RefusalKind.ApprovalDenied => new AwsError(403, "AirlockApprovalDenied", refusal.Message),
        RefusalKind.ApprovalPending => new AwsError(403, "AirlockApprovalPending", refusal.Message),
        RefusalKind.RecordUnavailable => AwsError.AuditUnavailable(),
        _ => new AwsError(503, "ServiceUnavailable", refusal.Message),
    }, refusal.Recorded, refusal.Decision);

    /// <summary>The call's record could not be written: the call is refused, and only the log says why.</summary>
    private async Task RefuseUnrecordedAsync(CallContext call, Exception failure)
    {
        recorder.Unrecorded(call, failure);
        await RefuseAsync(call, AwsError.AuditUnavailable(), audited: false);
    }

    private async Task RefuseAsync(CallContext call, AwsError error, bool audited = true, string decision = "refuse")
    {
        Log.CallRefused(logger, call.RequestId, error.Code, error.Message);
        if (audited)
        {
            await recorder.RecordRefusalAsync(call, decision, $"{error.Code}: {error.Message}");
        }

        await AwsErrorWriter.WriteAsync(call.Http, call.Protocol, error, call.RequestId);
    }
}
