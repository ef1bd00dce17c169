using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Pipeline;

/// <summary>
/// A call under review, held for a person's decision. Every held call gets its own <c>review</c> record (with the
/// approval id) before the wait, completed with how the hold ended.
/// </summary>
/// <param name="publicUrl">Where approvers reach the gateway: a pending refusal names the decide URL under it.</param>
internal sealed class HoldStage(ApprovalGate approvals, CallRecorder recorder, string publicUrl)
{
    /// <summary>The reason the call goes on (approved), or the refusal (denied, still pending, the hold not kept).</summary>
    public readonly record struct Released(string? Reason, Refusal? Refused);

    /// <summary>Null when the caller went away while the call was held: nothing more is said.</summary>
    public async Task<Released?> RunAsync(Call call, Session session, PolicyDecision decision, IReadOnlyDictionary<string, string> callParameters)
    {
        HoldResult held;
        long? reviewId = null;
        var heldReason = "";
        try
        {
            held = await approvals.OpenAsync(session, decision, call.Action!, call.Resources, call.Parameters, callParameters, publicUrl, call.Aborted);
            if (held.Outcome == HoldOutcome.Pending)
            {
                var approval = held.Approval;
                heldReason = $"held for approval {approval.Id} by {approval.Deciders}: {decision.Reason}";
                reviewId = await recorder.RecordAsync(call, CallDecision.Review, heldReason);
                held = await approvals.WaitAsync(approval, call.Aborted);
            }
        }
        catch (OperationCanceledException) when (call.Aborted.IsCancellationRequested)
        {
            End(call, reviewId, heldReason, "the caller went away while the call was held");
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The hold could not be stored or recorded: no one could approve it, so the call is refused.
            End(call, reviewId, heldReason, "refused: Airlock could not keep the hold");
            return new Released(null, Refusal.Unrecorded(e));
        }

        var decided = held.Approval;
        switch (held.Outcome)
        {
            case HoldOutcome.Denied:
                var by = decided.Votes.LastOrDefault(v => v.Decision == "deny");
                End(call, reviewId, heldReason, $"denied by {by?.Approver}");
                return new Released(null, new Refusal(RefusalKind.ApprovalDenied,
                    $"{call.Action} was denied by {by?.Approver} (approval {decided.Id}): {by?.Reason ?? "no reason given"}"));
            case HoldOutcome.Pending:
                var pending = new Refusal(RefusalKind.ApprovalPending,
                    $"{call.Action} is waiting for approval {decided.Id} by {string.Join(", ", decided.ApproverGroups)}" +
                    $"{(decided.Quorum > 1 ? $" ({decided.Quorum} approvers)" : "")}. Decide at {approvals.DecideUrl(decided.Id, publicUrl)}; once approved, retry the same call.");
                End(call, reviewId, heldReason, "still undecided when the hold ended: answered AirlockApprovalPending");
                return new Released(null, pending);
            case HoldOutcome.HandedBack:
                End(call, reviewId, heldReason, "still undecided when this node stopped: handed back to be retried");
                return new Released(null, new Refusal(RefusalKind.HandedBack,
                    $"This Airlock node is stopping. {call.Action} is still waiting for approval {decided.Id}; retried, the same call is held on the same approval."));
            default:
                var approvers = string.Join(", ", decided.Votes.Where(v => v.Decision == "approve").Select(v => v.Approver));
                End(call, reviewId, heldReason, $"approved by {approvers}; the call goes on in its own record");
                return new Released($"approved in {decided.Id} by {approvers}", null);
        }
    }

    /// <summary>Completes a held call's review record with how its hold ended.</summary>
    private void End(Call call, long? reviewId, string heldReason, string end)
    {
        if (reviewId is { } id)
        {
            recorder.Complete(call, id, null, $"{heldReason}; {end}");
        }
    }
}
