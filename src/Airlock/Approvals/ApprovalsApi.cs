using Airlock.Audit;
using Airlock.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Airlock.Approvals;

/// <summary>
/// The approvers' API under <c>/_airlock/api/approvals</c>, authenticated with the approver's own OIDC
/// token (<c>Authorization: Bearer …</c>). Nobody decides their own request.
/// </summary>
internal static class ApprovalsApi
{
    public const string Prefix = "/_airlock/api/approvals";

    /// <param name="Uses">On approve: how many times the same call may pass (default 1).</param>
    /// <param name="ValidForSeconds">On approve: for how long it may be used (default: the approval's time to live).</param>
    public sealed record DecisionBody(string? Reason, int? Uses = null, int? ValidForSeconds = null);

    public static void MapApprovals(this WebApplication app)
    {
        var group = app.MapGroup(Prefix);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", ShowAsync);
        group.MapPost("/{id}/approve", (string id, DecisionBody? body, HttpContext http, ApprovalStore store, ApprovalGate gate, ApprovalNotifier notifier, TokenValidator tokens, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, "approve", body, http, store, gate, notifier, tokens, audit, time, ct));
        group.MapPost("/{id}/deny", (string id, DecisionBody? body, HttpContext http, ApprovalStore store, ApprovalGate gate, ApprovalNotifier notifier, TokenValidator tokens, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, "deny", body, http, store, gate, notifier, tokens, audit, time, ct));
    }

    private static async Task<Results<Ok<IEnumerable<Approval>>, ProblemHttpResult>> ListAsync(
        string? status, HttpContext http, ApprovalStore store, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var approvals = await store.ListAsync(status, ct);
        return TypedResults.Ok(approvals.Where(a => a.Requester == caller.Subject || a.ApproverGroups.Intersect(caller.Groups).Any()));
    }

    private static async Task<Results<Ok<Approval>, ProblemHttpResult>> ShowAsync(
        string id, HttpContext http, ApprovalStore store, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var approval = await store.GetAsync(id, ct);
        return approval is not null && (approval.Requester == caller.Subject || approval.ApproverGroups.Intersect(caller.Groups).Any())
            ? TypedResults.Ok(approval)
            : TypedResults.Problem($"No approval {id} that you may see.", statusCode: 404);
    }

    private static async Task<Results<Ok<Approval>, ProblemHttpResult>> DecideAsync(
        string id, string decision, DecisionBody? body, HttpContext http, ApprovalStore store, ApprovalGate gate, ApprovalNotifier notifier,
        TokenValidator tokens, IAuditStore audit, TimeProvider time, CancellationToken ct)
    {
        var reason = body?.Reason;
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var approval = await store.GetAsync(id, ct);
        if (approval is null)
        {
            return TypedResults.Problem($"No approval {id}.", statusCode: 404);
        }

        if (!approval.ApproverGroups.Intersect(caller.Groups).Any())
        {
            return await RefusedAsync(http, audit, time, caller, decision, approval,
                $"Only members of {string.Join(", ", approval.ApproverGroups)} may decide approval {id}.", 403, ct);
        }

        if (approval.Requester == caller.Subject)
        {
            return await RefusedAsync(http, audit, time, caller, decision, approval, "You cannot decide your own request.", 403, ct);
        }

        var now = time.GetUtcNow();
        var decided = await store.VoteAsync(id, new ApprovalVote(caller.Subject, decision, reason, now), ct,
            body?.Uses ?? 1, body?.ValidForSeconds is { } seconds ? now.AddSeconds(seconds) : null);
        if (decided is null)
        {
            return await RefusedAsync(http, audit, time, caller, decision, approval, $"Approval {id} is {approval.Status}, or you have already decided it.", 409, ct);
        }

        await audit.AppendAsync(AuditEntry.OfAirlock(now, caller.Subject, decision == "approve" ? "ApproveCall" : "DenyCall", id,
            $"{decision} {approval.Action} of {approval.Requester}: {reason}; approval now {decided.Status}", http.Connection.RemoteIpAddress?.ToString())
            with { SessionId = approval.SessionId, Connection = approval.Connection }, ct);
        gate.Wake(id);
        if (decided.Status is "approved" or "denied")
        {
            Telemetry.StateMetrics.ApprovalsDecided.WithLabels(decided.Status).Inc();
            Telemetry.StateMetrics.ApprovalWait.Observe((now - approval.CreatedAt).TotalSeconds);
        }

        await notifier.NotifyAsync("approval.decided", decided, gate.DecideUrl(id, $"{http.Request.Scheme}://{http.Request.Host}"), CancellationToken.None);
        return TypedResults.Ok(decided);
    }

    /// <summary>A refused attempt to decide (one's own request, not an approver, a second vote) is a security event: recorded, then answered.</summary>
    private static async Task<ProblemHttpResult> RefusedAsync(HttpContext http, IAuditStore audit, TimeProvider time, ValidatedIdentity caller, string decision, Approval approval,
        string why, int status, CancellationToken ct)
    {
        await audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), caller.Subject, decision == "approve" ? "ApproveCall" : "DenyCall", approval.Id,
            $"refused: {caller.Subject} tried to {decision} {approval.Action} of {approval.Requester}: {why}", http.Connection.RemoteIpAddress?.ToString())
            with { Decision = "refuse", SessionId = approval.SessionId, Connection = approval.Connection }, ct);
        return TypedResults.Problem(why, statusCode: status);
    }
}
