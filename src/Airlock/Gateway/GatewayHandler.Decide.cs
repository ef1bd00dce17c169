using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Gateway;

// Deciding a call: its own action, and every other permission IAM would require of it.
internal sealed partial class GatewayHandler
{
    /// <summary>
    /// The call's decision over all it needs: its action on its resources and each <see cref="ResolvedOperation.AlsoRequires"/>
    /// (a copy's source, each key deleted). Any one denied, explicitly or with nothing (no statement, no grant) allowing
    /// it, refuses the call; any one under Review holds it; else it is allowed. Null once the call has been refused.
    /// A ValueTask: on every call, and it only waits when a grant must be looked up or a refusal written.
    /// </summary>
    private async ValueTask<(PolicyDecision Decision, string Reason)?> DecideAsync(CallContext call, PolicyRequest request, ResolvedOperation operation, DateTimeOffset now)
    {
        PolicyDecision? allowed = null;
        string? reason = null;
        List<PolicyStatement>? reviews = null;
        List<string>? reviewReasons = null;
        for (var i = -1; i < operation.AlsoRequires.Count; i++)
        {
            var also = i < 0 ? null : operation.AlsoRequires[i];
            var needed = also is null ? request : request with { Action = also.Action, IamAction = null, AccessLevel = also.AccessLevel, Resources = also.Resources };
            var decision = policy.Evaluate(needed);
            var what = also is null ? "" : $" on {also.Why}";
            if (decision.Effect is null && await ActiveGrantAsync(needed, now, call.Http.RequestAborted) is { } grant)
            {
                reason ??= $"{needed.Named} is allowed by grant {grant.Id} (approved by {grant.DecidedBy}) until {StsResponses.Iso(grant.ExpiresAt!.Value)}.";
                allowed ??= decision;
                continue;
            }

            if (decision.IsDenied)
            {
                await RefuseAsync(call, AwsError.AccessDenied($"Airlock denied {needed.Named}{what}: {decision.Reason}",
                    call.Protocol is WireProtocol.Json or WireProtocol.RestJson or WireProtocol.Cbor), decision: "deny");
                return null;
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
            ? (allowed!, reason!)
            : (new PolicyDecision(StatementEffect.Review, reviews.Distinct().ToArray(), string.Join(" ", reviewReasons!)), reason!);
    }
}
