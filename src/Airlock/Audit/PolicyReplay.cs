using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Audit;

/// <summary>
/// A dry run for a policy change on real history: every decided call of the audit trail, evaluated
/// again under a candidate policy, with the decisions that would change.
/// </summary>
internal static class PolicyReplay
{
    public sealed record Change(AuditEntry Entry, string Now, string Reason);

    public sealed record Result(int Replayed, IReadOnlyList<Change> Changes);

    public static async Task<Result> RunAsync(CompiledPolicy candidate, SessionStore sessions, AuditStore audit, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, Session?>(StringComparer.Ordinal);
        var changes = new List<Change>();
        var replayed = 0;
        foreach (var entry in await audit.TailAsync(int.MaxValue, 0, cancellationToken))
        {
            // GetCallerIdentity is Airlock's own answer, never a policy decision.
            if (entry.Action is null or "sts:GetCallerIdentity" || entry.AccessKeyId is null
                || entry.Decision is not ("allow" or "deny" or "review") || entry.Time < since || IsReleaseOfAHeldCall(entry))
            {
                continue;
            }

            if (!known.TryGetValue(entry.AccessKeyId, out var session))
            {
                session = (await sessions.FindByAccessKeyAsync(entry.AccessKeyId, cancellationToken))?.Session;
                known[entry.AccessKeyId] = session;
            }

            if (session is null)
            {
                continue;
            }

            replayed++;
            var (iamAction, accessLevel) = Aws.Catalog.ServiceCatalog.Default.Authorization(entry.Action, entry.Parameters);
            var decision = candidate.Evaluate(new PolicyRequest(session.Subject, session.Groups, session.Connection, entry.Action, entry.Resources)
            {
                IamAction = iamAction,
                AccessLevel = accessLevel,
                Issuer = session.Issuer,
                Region = entry.Region ?? "",
                SourceIp = System.Net.IPAddress.TryParse(entry.ClientIp, out var ip) ? ip : null,
                Time = entry.Time,
                Parameters = entry.Parameters,
            });
            var now = decision.IsAllowed ? "allow" : decision.IsReview ? "review" : "deny";
            if (now != entry.Decision)
            {
                changes.Add(new Change(entry, now, decision.Reason));
            }
        }

        return new Result(replayed, changes);
    }

    /// <summary>
    /// A held call the approvers let through is recorded twice: as held (<c>review</c>, the policy's decision) and as
    /// released (<c>allow</c>, "approved in apr-…"). Only the first is the policy's, so only it is replayed.
    /// </summary>
    private static bool IsReleaseOfAHeldCall(AuditEntry entry) =>
        entry.Decision == "allow" && entry.Reason is { } reason && reason.StartsWith("approved in apr-", StringComparison.Ordinal);
}
