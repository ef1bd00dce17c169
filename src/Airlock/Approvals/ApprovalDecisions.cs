using Airlock.Audit;

namespace Airlock.Approvals;

/// <summary>Who decides, and through what: <c>api</c>, <c>console</c> or <c>slack</c> (with the Slack user's id as <paramref name="SourceUser"/>).</summary>
internal sealed record Decider(string Subject, IReadOnlyList<string> Groups, string Source, string? ClientIp, string? SourceUser = null);

/// <summary>What became of a decision: the approval as it now stands, or why nothing changed (and the HTTP status that says so).</summary>
internal sealed record DecisionOutcome(Approval? Decided, string? Refusal, int Status)
{
    public static DecisionOutcome Refused(string why, int status) => new(null, why, status);
}

/// <summary>
/// Every way an approver decides a held call (the API, the console, Slack) goes through here, so each checks the same
/// things at the moment of deciding: the approval exists and is still pending, the decider is in one of its approver
/// groups, is not its requester, and has not voted on it already. Every attempt is audited with its source; refused
/// ones as security events.
/// </summary>
internal sealed class ApprovalDecisions(ApprovalStore store, ApprovalGate gate, ApprovalNotifier notifier, IAuditStore audit, TimeProvider time)
{
    /// <param name="decision"><c>approve</c> or <c>deny</c>.</param>
    /// <param name="uses">On approve: how many times the same call may pass (default 1).</param>
    /// <param name="validForSeconds">On approve: for how long it may be used (default: the approval's time to live).</param>
    /// <param name="baseUrl">The gateway's URL as the decider reached it, for the decide link in notifications.</param>
    public async Task<DecisionOutcome> DecideAsync(string id, string decision, Decider decider, string? reason, int? uses, int? validForSeconds,
        string baseUrl, CancellationToken ct)
    {
        var approval = await store.GetAsync(id, ct);
        if (approval is null)
        {
            return DecisionOutcome.Refused($"No approval {id}.", 404);
        }

        if (!approval.ApproverGroups.Intersect(decider.Groups).Any())
        {
            return await RefusedAsync(decider, decision, approval, $"Only members of {string.Join(", ", approval.ApproverGroups)} may decide approval {id}.", 403, ct);
        }

        if (approval.Requester == decider.Subject)
        {
            return await RefusedAsync(decider, decision, approval, "You cannot decide your own request.", 403, ct);
        }

        var now = time.GetUtcNow();
        if (approval.Status != "pending" || now >= approval.ExpiresAt)
        {
            var state = approval.Status == "pending" ? "expired" : approval.Status;
            return await RefusedAsync(decider, decision, approval, $"Approval {id} is {state}: nothing changed.", 409, ct);
        }

        var decided = await store.VoteAsync(id, new ApprovalVote(decider.Subject, decision, reason, now), ct,
            uses ?? 1, validForSeconds is { } seconds ? now.AddSeconds(seconds) : null);
        if (decided is null)
        {
            return await RefusedAsync(decider, decision, approval, $"Approval {id} is {approval.Status}, or you have already decided it: nothing changed.", 409, ct);
        }

        await audit.AppendAsync(Record(decider, decision, approval, $"{decision} {approval.Action} of {approval.Requester}: {reason}; approval now {decided.Status}", now), ct);
        gate.Wake(id);
        if (decided.Status is "approved" or "denied")
        {
            Telemetry.StateMetrics.ApprovalsDecided.WithLabels(decided.Status).Inc();
            Telemetry.StateMetrics.ApprovalWait.Observe((now - approval.CreatedAt).TotalSeconds);
        }

        await notifier.NotifyAsync("approval.decided", decided, gate.DecideUrl(id, baseUrl), CancellationToken.None);
        return new DecisionOutcome(decided, null, 200);
    }

    /// <summary>A refused attempt to decide (one's own request, not an approver, a second vote) is a security event: recorded, then answered.</summary>
    private async Task<DecisionOutcome> RefusedAsync(Decider decider, string decision, Approval approval, string why, int status, CancellationToken ct)
    {
        await audit.AppendAsync(Record(decider, decision, approval, $"refused: {decider.Subject} tried to {decision} {approval.Action} of {approval.Requester}: {why}", time.GetUtcNow())
            with { Decision = "refuse" }, ct);
        return DecisionOutcome.Refused(why, status);
    }

    private static AuditEntry Record(Decider decider, string decision, Approval approval, string reason, DateTimeOffset now) =>
        AuditEntry.OfAirlock(now, decider.Subject, decision == "approve" ? "ApproveCall" : "DenyCall", approval.Id, reason, decider.ClientIp) with
        {
            SessionId = approval.SessionId,
            Connection = approval.Connection,
            Parameters = Source(decider),
        };

    /// <summary>Where the decision came from, in the record's parameters: <c>source</c>, and for Slack the Slack user.</summary>
    public static Dictionary<string, string> Source(Decider decider) => decider.SourceUser is { } user
        ? new() { ["source"] = decider.Source, ["sourceUser"] = user }
        : new() { ["source"] = decider.Source };
}
