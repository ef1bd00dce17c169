using System.Security.Cryptography;
using Airlock.Audit;
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

    public static void MapGrants(this WebApplication app)
    {
        var group = app.MapGroup(Prefix);
        group.MapPost("/", RequestAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", ShowAsync);
        group.MapPost("/{id}/approve", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, "approve", body?.Reason, http, store, tokens, options, audit, time, ct));
        group.MapPost("/{id}/deny", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, "deny", body?.Reason, http, store, tokens, options, audit, time, ct));
        group.MapPost("/{id}/revoke", (string id, ApprovalsApi.DecisionBody? body, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, "revoke", body?.Reason, http, store, tokens, options, audit, time, ct));
    }

    private static async Task<Results<Created<Grant>, ProblemHttpResult>> RequestAsync(
        GrantRequest request, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, IAuditStore audit, TimeProvider time,
        CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        if (request.Actions is not { Length: > 0 } actions || actions.Any(a => a != "*" && !a.Contains(':')))
        {
            return TypedResults.Problem("List the actions (service:Operation, wildcards allowed) the grant is for.", statusCode: 400);
        }

        if (request.DurationSeconds < 1 || request.DurationSeconds > options.MaxGrantSeconds)
        {
            return TypedResults.Problem($"A grant lasts between 1 and {options.MaxGrantSeconds} seconds.", statusCode: 400);
        }

        var grant = new Grant
        {
            Id = "grt-" + RandomNumberGenerator.GetHexString(12, lowercase: true),
            CreatedAt = time.GetUtcNow(),
            Status = "pending",
            Requester = caller.Subject,
            Actions = actions,
            Resources = request.Resources is { Length: > 0 } resources ? resources : ["*"],
            DurationSeconds = request.DurationSeconds,
            Reason = request.Reason,
        };
        await store.CreateAsync(grant, ct);
        await AuditAsync(audit, time, http, caller.Subject, "RequestGrant", grant, request.Reason, ct);
        return TypedResults.Created($"{Prefix}/{grant.Id}", grant);
    }

    private static async Task<Results<Ok<IEnumerable<Grant>>, ProblemHttpResult>> ListAsync(
        HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var approver = options.GrantApprovers.Intersect(caller.Groups).Any();
        return TypedResults.Ok((await store.ListAsync(ct)).Where(g => approver || g.Requester == caller.Subject));
    }

    private static async Task<Results<Ok<Grant>, ProblemHttpResult>> ShowAsync(
        string id, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var grant = await store.GetAsync(id, ct);
        return grant is not null && (grant.Requester == caller.Subject || options.GrantApprovers.Intersect(caller.Groups).Any())
            ? TypedResults.Ok(grant)
            : TypedResults.Problem($"No grant {id} that you may see.", statusCode: 404);
    }

    private static async Task<Results<Ok<Grant>, ProblemHttpResult>> DecideAsync(
        string id, string verb, string? reason, HttpContext http, GrantStore store, TokenValidator tokens, ApprovalOptions options,
        IAuditStore audit, TimeProvider time, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        var grant = await store.GetAsync(id, ct);
        if (grant is null)
        {
            return TypedResults.Problem($"No grant {id}.", statusCode: 404);
        }

        var approver = options.GrantApprovers.Intersect(caller.Groups).Any();
        if (verb == "revoke" ? !approver && grant.Requester != caller.Subject : !approver)
        {
            return TypedResults.Problem($"Only members of {string.Join(", ", options.GrantApprovers)} may {verb} grant {id}.", statusCode: 403);
        }

        if (verb != "revoke" && grant.Requester == caller.Subject)
        {
            return TypedResults.Problem("You cannot decide your own request.", statusCode: 403);
        }

        var now = time.GetUtcNow();
        var (from, to, expires) = verb switch
        {
            "approve" => ("pending", "approved", now.AddSeconds(grant.DurationSeconds)),
            "deny" => ("pending", "denied", (DateTimeOffset?)null),
            _ => ("approved", "revoked", (DateTimeOffset?)now),
        };
        if (!await store.DecideAsync(id, from, to, caller.Subject, reason, expires, ct))
        {
            return TypedResults.Problem($"Grant {id} is {grant.Status}; it cannot be {to} now.", statusCode: 409);
        }

        var decided = (await store.GetAsync(id, ct))!;
        await AuditAsync(audit, time, http, caller.Subject, verb switch { "approve" => "ApproveGrant", "deny" => "DenyGrant", _ => "RevokeGrant" }, decided, reason, ct);
        return TypedResults.Ok(decided);
    }

    private static Task AuditAsync(IAuditStore audit, TimeProvider time, HttpContext http, string principal, string operation, Grant grant, string? reason, CancellationToken ct) =>
        audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), principal, operation, grant.Id,
            $"{grant.Requester}: {string.Join(',', grant.Actions)} on {string.Join(',', grant.Resources)} for {grant.DurationSeconds}s; {grant.Status}; {reason}",
            http.Connection.RemoteIpAddress?.ToString()), ct);
}
