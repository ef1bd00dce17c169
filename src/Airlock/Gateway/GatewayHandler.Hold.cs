using Airlock.Approvals;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Gateway;

// A call under review: held for a person's decision, and recorded as held whatever happens next.
internal sealed partial class GatewayHandler
{
    /// <summary>
    /// Holds the call until it is decided or the hold runs out. Every held call gets its own <c>review</c> record (with
    /// the approval id) before the wait, completed with how the hold ended. Returns the reason the call goes on
    /// (approved), or null once it has been answered (denied, still pending, refused).
    /// </summary>
    private async Task<string?> HoldAsync(CallContext call, Session session, PolicyDecision decision, ResolvedOperation operation)
    {
        var http = call.Http;
        HoldResult held;
        long? reviewId = null;
        var heldReason = "";
        try
        {
            held = await approvals.OpenAsync(session, decision, operation.Action, operation.Resources, call.Parameters, operation.Parameters,
                options.PublicUrl, http.RequestAborted);
            if (held.Outcome == HoldOutcome.Pending)
            {
                var approval = held.Approval;
                heldReason = $"held for approval {approval.Id} by {approval.Deciders}: {decision.Reason}";
                reviewId = await audit.AppendAsync(call.ToAudit("review", heldReason), http.RequestAborted);
                held = await approvals.WaitAsync(approval, http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            EndHold(call, reviewId, heldReason, "the caller went away while the call was held");
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The hold could not be stored or recorded: no one could approve it, so the call is refused.
            EndHold(call, reviewId, heldReason, "refused: Airlock could not keep the hold");
            await RefuseUnrecordedAsync(call, e);
            return null;
        }

        var decided = held.Approval;
        switch (held.Outcome)
        {
            case HoldOutcome.Denied:
                var by = decided.Votes.LastOrDefault(v => v.Decision == "deny");
                EndHold(call, reviewId, heldReason, $"denied by {by?.Approver}");
                await RefuseAsync(call, new AwsError(403, "AirlockApprovalDenied",
                    $"{operation.Action} was denied by {by?.Approver} (approval {decided.Id}): {by?.Reason ?? "no reason given"}"), decision: "deny");
                return null;
            case HoldOutcome.Pending:
                var pending = new AwsError(403, "AirlockApprovalPending",
                    $"{operation.Action} is waiting for approval {decided.Id} by {string.Join(", ", decided.ApproverGroups)}" +
                    $"{(decided.Quorum > 1 ? $" ({decided.Quorum} approvers)" : "")}. Decide at {approvals.DecideUrl(decided.Id, options.PublicUrl)}; once approved, retry the same call.");
                EndHold(call, reviewId, heldReason, $"still undecided when the hold ended: answered {pending.Code}");
                await RefuseAsync(call, pending, audited: false);
                return null;
            default:
                var approvers = string.Join(", ", decided.Votes.Where(v => v.Decision == "approve").Select(v => v.Approver));
                EndHold(call, reviewId, heldReason, $"approved by {approvers}; the call goes on in its own record");
                return $"approved in {decided.Id} by {approvers}";
        }
    }

    /// <summary>Completes a held call's review record with how its hold ended.</summary>
    private void EndHold(CallContext call, long? reviewId, string heldReason, string end)
    {
        if (reviewId is { } id)
        {
            Complete(call, id, null, $"{heldReason}; {end}");
        }
    }
}
