namespace Airlock.Approvals;

/// <summary>
/// A time-boxed grant: once approved, it acts as an Allow statement for its requester, for its actions
/// and resources, until it expires or is revoked. Explicit Deny and Review still win over it.
/// </summary>
internal sealed record Grant
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>pending</c>, <c>approved</c>, <c>denied</c> or <c>revoked</c>.</summary>
    public required string Status { get; init; }
    public required string Requester { get; init; }
    public required IReadOnlyList<string> Actions { get; init; }
    public required IReadOnlyList<string> Resources { get; init; }
    public required int DurationSeconds { get; init; }
    public string? Reason { get; init; }
    public string? DecidedBy { get; init; }
    public string? DecisionReason { get; init; }

    /// <summary>Set when approved: the grant's clock starts at approval.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => Status == "approved" && now < ExpiresAt;

    /// <summary>
    /// The grant as the Allow statement it acts as. It names no principal: grants are looked up by
    /// their requester, and a subject is not a pattern.
    /// </summary>
    public Policy.PolicyStatement AsStatement() => new()
    {
        Sid = Id,
        Effect = Policy.StatementEffect.Allow,
        Source = $"grant {Id}",
        Actions = Actions,
        Resources = Resources,
    };
}
