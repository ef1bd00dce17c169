namespace Airlock.Approvals;

/// <summary>A call held for review, and what approvers have said of it.</summary>
internal sealed record Approval
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Until when it may be decided (pending) or used (approved).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary><c>pending</c>, <c>approved</c>, <c>denied</c> or <c>used</c>.</summary>
    public required string Status { get; init; }
    public required string SessionId { get; init; }
    public required string Requester { get; init; }
    public required string Connection { get; init; }
    public required string Action { get; init; }
    public required IReadOnlyList<string> Resources { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    /// <summary>Matches a retry of the call to its approval (<see cref="ApprovalFingerprint"/>); the store's, never shown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Fingerprint { get; init; } = "";
    public required IReadOnlyList<string> ApproverGroups { get; init; }
    public required int Quorum { get; init; }

    /// <summary>Who decides it, as records and messages say it: <c>sre</c>, <c>sre, dba (quorum 2)</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Deciders => $"{string.Join(", ", ApproverGroups)}{(Quorum > 1 ? $" (quorum {Quorum})" : "")}";
    /// <summary>Why it was held (the policy's reason, naming its statements) while pending; once decided, the decider's reason.</summary>
    public string? Reason { get; init; }

    /// <summary>How many more times the approved call may pass (1 unless the approver chose more).</summary>
    public int UsesLeft { get; init; } = 1;

    public IReadOnlyList<ApprovalVote> Votes { get; init; } = [];

    public bool IsUsable(DateTimeOffset now) => Status == "approved" && now < ExpiresAt;
}

/// <summary>One approver's decision.</summary>
internal sealed record ApprovalVote(string Approver, string Decision, string? Reason, DateTimeOffset At);
