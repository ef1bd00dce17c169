namespace Airlock.Audit;

/// <summary>One call as the audit trail records it. Holds ids and decisions, never credentials.</summary>
internal sealed record AuditEntry
{
    public long Id { get; init; }
    public required string RequestId { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? Principal { get; init; }
    public string? SessionId { get; init; }
    public string? AccessKeyId { get; init; }
    public string? Connection { get; init; }
    public string? Service { get; init; }
    public string? Operation { get; init; }
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary><c>allow</c>, <c>deny</c> (policy) or <c>refuse</c> (authentication, malformed input, store or upstream failure).</summary>
    public required string Decision { get; init; }

    public string? Reason { get; init; }
    public string? ClientIp { get; init; }
    public int? UpstreamStatus { get; init; }
    public double? LatencyMs { get; init; }
}
