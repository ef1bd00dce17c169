namespace Airlock.Audit;

/// <summary>The audit trail. An append returns only once the record is durable: calls wait on it.</summary>
internal interface IAuditStore
{
    /// <summary>Records a decision before anything is sent upstream; throws when the store cannot take it.</summary>
    Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the outcome of a call that was forwarded or answered. The task ends when the outcome is committed; its
    /// continuations may run on the audit writer's thread, so attach only light work.
    /// </summary>
    Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> records after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> TailAsync(int count, long afterId, CancellationToken cancellationToken);
}

/// <summary>How a recorded call ended: the upstream status, time taken, any failure, and what was masked in the response.</summary>
internal sealed record AuditCompletion(int? UpstreamStatus, double LatencyMs, string? Failure)
{
    /// <summary>The response fields masked, each with the rule or detector that masked it.</summary>
    public IReadOnlyList<string> Masked { get; init; } = [];

    /// <summary>
    /// The start of the response body as recorded (valid UTF-8, kept as bytes from the response to the store): masked
    /// for a caller with no exemptions. The row keeps it; the log holds its hash (<see cref="ResponseSha256"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? Response { get; init; }

    /// <summary>The body itself, where records written before <see cref="ResponseSha256"/> kept it in the log; read by the verifier.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("Response")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? InlineResponse { get; init; }

    /// <summary>
    /// Only in the log: the SHA-256 of <see cref="Response"/> in its place. The audit row keeps the text, and the hash
    /// binds it to the chain without writing it twice.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ResponseSha256 { get; init; }

    public string? UpstreamRequestId { get; init; }

    /// <summary>Milliseconds spent in each stage of the call.</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
}
