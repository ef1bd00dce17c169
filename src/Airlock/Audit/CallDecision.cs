namespace Airlock.Audit;

/// <summary>What was decided about a call, as its record names it.</summary>
internal enum CallDecision
{
    /// <summary>Allowed: it runs (or Airlock answers it itself).</summary>
    Allow,

    /// <summary>Denied by policy, by a person, or by a revocation.</summary>
    Deny,

    /// <summary>Held for a person's decision.</summary>
    Review,

    /// <summary>Stopped before a decision could be made about it: unauthenticated, not understood, or Airlock could not go on.</summary>
    Refuse,
}

internal static class CallDecisions
{
    /// <summary>The decision as records, searches and exports spell it (<c>allow</c>, <c>deny</c>, <c>review</c>, <c>refuse</c>).</summary>
    public static string Wire(this CallDecision decision) => decision switch
    {
        CallDecision.Allow => "allow",
        CallDecision.Deny => "deny",
        CallDecision.Review => "review",
        _ => "refuse",
    };
}
