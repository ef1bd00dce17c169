using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Policy;
using Airlock.Upstream;

namespace Airlock.Gateway;

// How a call ends: refused (audited), completed in the audit trail, or allowed by a grant.
internal sealed partial class GatewayHandler
{
    /// <summary>
    /// Queues the call's outcome and returns: only the decision has to be durable before a call goes upstream, so the
    /// caller's connection does not wait for a second commit. The writer drains its queue when the gateway stops.
    /// </summary>
    private void Complete(CallContext call, long auditId, int? status, string? failure, ForwardResult? forwarded = null)
    {
        var requestId = call.RequestId;
        audit.CompleteAsync(auditId, new AuditCompletion(status, call.ElapsedMs, failure)
        {
            Masked = forwarded?.Masked?.Fields ?? [],
            Response = forwarded?.Masked?.RecordedBody ?? forwarded?.RecordedResponse,
            UpstreamRequestId = forwarded?.UpstreamRequestId,
            Timings = call.Timings,
        }, CancellationToken.None).ContinueWith(
            // The decision is already durable; a lost completion leaves the record without its status.
            written => Log.AuditFailed(logger, requestId, written.Exception!.GetBaseException()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

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

    /// <summary>An approved, unexpired grant of the caller that covers this call; grants act only where nothing decided.</summary>
    private async Task<Grant?> ActiveGrantAsync(PolicyRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var grant in await grants.ActiveForAsync(request.Subject, now, cancellationToken))
        {
            if (CompiledPolicy.Applies(grant.AsStatement(), request))
            {
                return grant;
            }
        }

        return null;
    }

    /// <summary>The call's record could not be written (or its hold stored): the call is refused, and only the log says why.</summary>
    private async Task RefuseUnrecordedAsync(CallContext call, Exception failure)
    {
        Log.AuditFailed(logger, call.RequestId, failure);
        await RefuseAsync(call, AwsError.AuditUnavailable(), audited: false);
    }

    private async Task RefuseAsync(CallContext call, AwsError error, bool audited = true, string decision = "refuse")
    {
        Log.CallRefused(logger, call.RequestId, error.Code, error.Message);
        if (audited)
        {
            try
            {
                await audit.AppendAsync(call.ToAudit(decision, $"{error.Code}: {error.Message}"), CancellationToken.None);
            }
            catch (Exception e)
            {
                Log.AuditFailed(logger, call.RequestId, e);
            }
        }

        await AwsErrorWriter.WriteAsync(call.Http, call.Protocol, error, call.RequestId);
    }
}
