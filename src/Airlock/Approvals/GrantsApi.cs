using Airlock.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Airlock.Approvals;

/// <summary>
/// Time-boxed grants under <c>/_airlock/api/grants</c>: a caller asks for actions on resources for a
/// while; a member of <c>approvals.grantApprovers</c> (not the requester) decides; either may revoke.
/// </summary>
internal static class GrantsApi
{
    public const string Prefix = "/_airlock/api/grants";

    public sealed record GrantRequest(string[]? Actions, string[]? Resources, int DurationSeconds, string? Reason);

    public static void MapGrants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.MapPost("/", RequestAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", ShowAsync);
        group.MapPost("/{id}/approve", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantDecisions grants, TokenValidator tokens, CancellationToken ct) =>
            DecideAsync(id, "approve", body?.Reason, http, grants, tokens, ct));
        group.MapPost("/{id}/deny", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantDecisions grants, TokenValidator tokens, CancellationToken ct) =>
            DecideAsync(id, "deny", body?.Reason, http, grants, tokens, ct));
        group.MapPost("/{id}/revoke", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantDecisions grants, TokenValidator tokens, CancellationToken ct) =>
            DecideAsync(id, "revoke", body?.Reason, http, grants, tokens, ct));
    }

    private static async Task<Results<Created<Grant>, ProblemHttpResult>> RequestAsync(
        GrantRequest request, HttpContext http, GrantDecisions grants, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var outcome = await grants.RequestAsync(ApiDecider(caller, http), request.Actions, request.Resources, request.DurationSeconds, request.Reason, ct);
        return outcome.Grant is { } grant ? TypedResults.Created($"{Prefix}/{grant.Id}", grant) : TypedResults.Problem(outcome.Refusal, statusCode: outcome.Status);
    }

    private static async Task<Results<Ok<IEnumerable<Grant>>, ProblemHttpResult>> ListAsync(
        HttpContext http, GrantStore store, GrantDecisions grants, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var approver = grants.IsApprover(caller.Groups);
        return TypedResults.Ok((await store.ListAsync(ct)).Where(g => approver || g.Requester == caller.Subject));
    }

    private static async Task<Results<Ok<Grant>, ProblemHttpResult>> ShowAsync(
        string id, HttpContext http, GrantStore store, GrantDecisions grants, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var grant = await store.GetAsync(id, ct);
        return grant is not null && (grant.Requester == caller.Subject || grants.IsApprover(caller.Groups))
            ? TypedResults.Ok(grant)
            : TypedResults.Problem($"No grant {id} that you may see.", statusCode: 404);
    }

    private static async Task<Results<Ok<Grant>, ProblemHttpResult>> DecideAsync(
        string id, string verb, string? reason, HttpContext http, GrantDecisions grants, TokenValidator tokens, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var outcome = await grants.DecideAsync(id, verb, ApiDecider(caller, http), reason, ct);
        return outcome.Grant is { } decided ? TypedResults.Ok(decided) : TypedResults.Problem(outcome.Refusal, statusCode: outcome.Status);
    }

    private static Decider ApiDecider(ValidatedIdentity caller, HttpContext http) => new(caller.Subject, caller.Groups, "api", http.Connection.RemoteIpAddress?.ToString());
}
