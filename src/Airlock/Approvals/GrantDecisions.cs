using System.Security.Cryptography;
using Airlock.Audit;

namespace Airlock.Approvals;

/// <summary>What became of a grant request or decision: the grant as it now stands, or why nothing changed (and the HTTP status that says so).</summary>
internal sealed record GrantOutcome(Grant? Grant, string? Refusal, int Status)
{
    public static GrantOutcome Refused(string why, int status) => new(null, why, status);
}

/// <summary>
/// Requesting, deciding and revoking time-boxed grants, for the API and the console alike: members of
/// <c>approvals.grantApprovers</c> (never the requester) approve or deny; they or the requester revoke. Each step is
/// audited with its source.
/// </summary>
internal sealed class GrantDecisions(GrantStore store, ApprovalOptions options, IAuditStore audit, TimeProvider time)
{
    public bool IsApprover(IEnumerable<string> groups) => options.GrantApprovers.Intersect(groups).Any();

    public async Task<GrantOutcome> RequestAsync(Decider requester, IReadOnlyList<string>? actions, IReadOnlyList<string>? resources, int durationSeconds, string? reason,
        CancellationToken ct)
    {
        if (actions is not { Count: > 0 } || actions.Any(a => a != "*" && !a.Contains(':')))
        {
            return GrantOutcome.Refused("List the actions (service:Operation, wildcards allowed) the grant is for.", 400);
        }

        if (durationSeconds < 1 || durationSeconds > options.MaxGrantSeconds)
        {
            return GrantOutcome.Refused($"A grant lasts between 1 and {options.MaxGrantSeconds} seconds.", 400);
        }

        var grant = new Grant
        {
            Id = "grt-" + RandomNumberGenerator.GetHexString(12, lowercase: true),
            CreatedAt = time.GetUtcNow(),
            Status = "pending",
            Requester = requester.Subject,
            Actions = actions,
            Resources = resources is { Count: > 0 } ? resources : ["*"],
            DurationSeconds = durationSeconds,
            Reason = reason,
        };
        await store.CreateAsync(grant, ct);
        await RecordAsync(requester, "RequestGrant", grant, reason, ct);
        return new GrantOutcome(grant, null, 201);
    }

    /// <param name="verb"><c>approve</c>, <c>deny</c> or <c>revoke</c>.</param>
    public async Task<GrantOutcome> DecideAsync(string id, string verb, Decider decider, string? reason, CancellationToken ct)
    {
        var grant = await store.GetAsync(id, ct);
        if (grant is null)
        {
            return GrantOutcome.Refused($"No grant {id}.", 404);
        }

        var approver = IsApprover(decider.Groups);
        if (verb == "revoke" ? !approver && grant.Requester != decider.Subject : !approver)
        {
            return GrantOutcome.Refused($"Only members of {string.Join(", ", options.GrantApprovers)} may {verb} grant {id}.", 403);
        }

        if (verb != "revoke" && grant.Requester == decider.Subject)
        {
            return GrantOutcome.Refused("You cannot decide your own request.", 403);
        }

        var now = time.GetUtcNow();
        var (from, to, expires) = verb switch
        {
            "approve" => ("pending", "approved", now.AddSeconds(grant.DurationSeconds)),
            "deny" => ("pending", "denied", (DateTimeOffset?)null),
            _ => ("approved", "revoked", (DateTimeOffset?)now),
        };
        if (!await store.DecideAsync(id, from, to, decider.Subject, reason, expires, ct))
        {
            return GrantOutcome.Refused($"Grant {id} is {grant.Status}; it cannot be {to} now.", 409);
        }

        var decided = (await store.GetAsync(id, ct))!;
        await RecordAsync(decider, verb switch { "approve" => "ApproveGrant", "deny" => "DenyGrant", _ => "RevokeGrant" }, decided, reason, ct);
        return new GrantOutcome(decided, null, 200);
    }

    private Task RecordAsync(Decider who, string operation, Grant grant, string? reason, CancellationToken ct) =>
        audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), who.Subject, operation, grant.Id,
            $"{grant.Requester}: {string.Join(',', grant.Actions)} on {string.Join(',', grant.Resources)} for {grant.DurationSeconds}s; {grant.Status}; {reason}",
            who.ClientIp) with { Parameters = ApprovalDecisions.Source(who) }, ct);
}
