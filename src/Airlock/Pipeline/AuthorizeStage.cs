using Airlock.Approvals;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Pipeline;

/// <summary>
/// Decides a call over all it needs: its own action on its resources and each permission IAM also requires of it (a
/// copy's source, each table of a transaction). Any one denied, explicitly or with nothing (no statement, no grant)
/// allowing it, refuses the call; any one under Review holds it; else it is allowed.
/// </summary>
internal sealed class AuthorizeStage(IPolicyEvaluator policy, GrantStore grants)
{
    /// <summary>The decision and the reason the call may go on (or be held), or the refusal.</summary>
    public readonly record struct Authorized(PolicyDecision? Decision, string? Reason, Refusal? Refused);

    /// <summary>A ValueTask: on every call, and it only waits when a grant must be looked up.</summary>
    public async ValueTask<Authorized> RunAsync(PolicyRequest request, IReadOnlyList<Authorization> alsoRequires, CancellationToken cancellationToken)
    {
        PolicyDecision? allowed = null;
        string? reason = null;
        List<PolicyStatement>? reviews = null;
        List<string>? reviewReasons = null;
        for (var i = -1; i < alsoRequires.Count; i++)
        {
            var also = i < 0 ? null : alsoRequires[i];
            var needed = also is null ? request : request with { Action = also.Action, IamAction = null, AccessLevel = also.AccessLevel, Resources = also.Resources };
            var decision = policy.Evaluate(needed);
            if (decision.Effect is null && await ActiveGrantAsync(needed, cancellationToken) is { } grant)
            {
                reason ??= $"{needed.Named} is allowed by grant {grant.Id} (approved by {grant.DecidedBy}) until {StsResponses.Iso(grant.ExpiresAt!.Value)}.";
                allowed ??= decision;
                continue;
            }

            if (decision.IsDenied)
            {
                var what = also is null ? "" : $" on {also.Why}";
                return new Authorized(decision, null, new Refusal(RefusalKind.AccessDenied, $"Airlock denied {needed.Named}{what}: {decision.Reason}"));
            }

            if (decision.IsReview)
            {
                (reviews ??= []).AddRange(decision.Statements);
                (reviewReasons ??= []).Add(decision.Reason);
            }

            reason ??= decision.Reason;
            allowed ??= decision;
        }

        return reviews is null
            ? new Authorized(allowed!, reason!, null)
            : new Authorized(new PolicyDecision(StatementEffect.Review, reviews.Distinct().ToArray(), string.Join(" ", reviewReasons!)), reason!, null);
    }

    /// <summary>An approved, unexpired grant of the caller that covers this call; grants act only where nothing decided.</summary>
    private async Task<Grant?> ActiveGrantAsync(PolicyRequest request, CancellationToken cancellationToken)
    {
        foreach (var grant in await grants.ActiveForAsync(request.Subject, request.Time, cancellationToken))
        {
            if (CompiledPolicy.Applies(grant.AsStatement(), request))
            {
                return grant;
            }
        }

        return null;
    }
}
