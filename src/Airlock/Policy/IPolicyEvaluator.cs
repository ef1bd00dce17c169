namespace Airlock.Policy;

/// <summary>Decides one call. The policy-engine issue replaces the implementation, not this shape.</summary>
internal interface IPolicyEvaluator
{
    PolicyDecision Evaluate(PolicyRequest request);
}

/// <summary>Who asks to do what, where.</summary>
internal sealed record PolicyRequest(
    string Subject, IReadOnlyList<string> Groups, string Connection, string Action, IReadOnlyList<string> Resources);

internal enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>The decision, the statements that made it, and a one-line reason to show the caller.</summary>
internal sealed record PolicyDecision(PolicyEffect Effect, IReadOnlyList<string> StatementIds, string Reason);
