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

    public static void MapApprovals(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", ShowAsync);
        group.MapPost("/{id}/approve", (string id, DecisionBody? body, HttpContext http, ApprovalDecisions decisions, TokenValidator tokens, CancellationToken ct) =>
            DecideAsync(id, "approve", body, http, decisions, tokens, ct));
        group.MapPost("/{id}/deny", (string id, DecisionBody? body, HttpContext http, ApprovalDecisions decisions, TokenValidator tokens, CancellationToken ct) =>
            DecideAsync(id, "deny", body, http, decisions, tokens, ct));
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
        string id, string decision, DecisionBody? body, HttpContext http, ApprovalDecisions decisions, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var outcome = await decisions.DecideAsync(id, decision, new Decider(caller.Subject, caller.Groups, "api", http.Connection.RemoteIpAddress?.ToString()), body?.Reason, body?.Uses, body?.ValidForSeconds,
            $"{http.Request.Scheme}://{http.Request.Host}", ct);
        return outcome.Decided is { } decided ? TypedResults.Ok(decided) : TypedResults.Problem(outcome.Refusal, statusCode: outcome.Status);
    }
}
