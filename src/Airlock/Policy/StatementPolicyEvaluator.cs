namespace Airlock.Policy;

/// <summary>
/// Allow / Deny statements by principal, action and connection: an explicit Deny wins, then Allow,
/// and anything no statement allows is denied.
/// </summary>
internal sealed class StatementPolicyEvaluator(PolicyOptions policy) : IPolicyEvaluator
{
    public PolicyDecision Evaluate(PolicyRequest request)
    {
        var matching = policy.Statements.Select((s, i) => (Statement: s, Id: s.Sid ?? $"statement[{i}]"))
            .Where(x => Applies(x.Statement, request))
            .ToArray();

        var deny = matching.Where(x => x.Statement.Effect == "Deny").Select(x => x.Id).ToArray();
        if (deny.Length > 0)
        {
            return new PolicyDecision(PolicyEffect.Deny, deny, $"{request.Action} is denied by policy statement {deny[0]}.");
        }

        var allow = matching.Where(x => x.Statement.Effect == "Allow").Select(x => x.Id).ToArray();
        return allow.Length > 0
            ? new PolicyDecision(PolicyEffect.Allow, allow, $"{request.Action} is allowed by policy statement {allow[0]}.")
            : new PolicyDecision(PolicyEffect.Deny, [], $"No policy statement allows {request.Action} for {request.Subject} on connection '{request.Connection}'.");
    }

    private static bool Applies(StatementOptions statement, PolicyRequest request) =>
        (statement.Groups.Any(g => g == "*" || request.Groups.Contains(g, StringComparer.Ordinal))
            || statement.Subjects.Any(s => Wildcard.Matches(s, request.Subject)))
        && statement.Actions.Any(a => Wildcard.Matches(a, request.Action))
        && (statement.Connections.Count == 0 || statement.Connections.Any(c => Wildcard.Matches(c, request.Connection)));
}
