namespace Airlock.Policy;

/// <summary>Allow, Deny, or Review: Airlock's one effect beyond IAM, a call held for a human.</summary>
internal enum StatementEffect
{
    Allow,
    Deny,
    Review,
}

/// <summary>One statement of a policy document, as written (IAM's shape plus Review's approvers).</summary>
internal sealed record PolicyStatement
{
    public required string Sid { get; init; }
    public required StatementEffect Effect { get; init; }

    /// <summary>Where it was written (<c>file:line</c>), for errors and explanations.</summary>
    public required string Source { get; init; }

    /// <summary>Principals by kind (<c>Group</c>, <c>Subject</c>, <c>Issuer</c>); null means anyone (<c>Principal: "*"</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Principals { get; init; }

    public IReadOnlyList<string> Actions { get; init; } = [];
    public bool NotAction { get; init; }
    /// <summary>Airlock's addition to IAM: when not empty, the statement covers only calls whose IAM access level is one of these.</summary>
    public IReadOnlyList<string> AccessLevels { get; init; } = [];

    public IReadOnlyList<string> Resources { get; init; } = ["*"];
    public bool NotResource { get; init; }
    public IReadOnlyList<PolicyCondition> Conditions { get; init; } = [];

    /// <summary>Review only: the groups whose members may decide, and how many distinct approvers it takes.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];
    public int Quorum { get; init; } = 1;
}

/// <summary>One condition: an operator (with its IfExists / ForAnyValue / ForAllValues parts), a key and its values.</summary>
internal sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values, string Source)
{
    /// <summary>The operator taken apart once, when the policy is loaded, not on every call.</summary>
    public (string? Set, string Name, bool IfExists) Parts { get; } = ConditionEvaluator.Split(Operator);
}
