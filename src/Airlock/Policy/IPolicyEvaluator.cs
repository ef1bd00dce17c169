namespace Airlock.Policy;

/// <summary>Decides one call against the current policy.</summary>
internal interface IPolicyEvaluator
{
    PolicyDecision Evaluate(PolicyRequest request);
}

/// <summary>The decision, the statements that made it, and a one-line reason to show the caller.</summary>
internal sealed record PolicyDecision(StatementEffect? Effect, IReadOnlyList<PolicyStatement> Statements, string Reason)
{
    public bool IsAllowed => Effect == StatementEffect.Allow;

    public bool IsReview => Effect == StatementEffect.Review;

    /// <summary>Denied explicitly or by default (no statement allowed it).</summary>
    public bool IsDenied => Effect is null or StatementEffect.Deny;

    public IEnumerable<string> StatementIds => Statements.Select(s => s.Sid);
}
