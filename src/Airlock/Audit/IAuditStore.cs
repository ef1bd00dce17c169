namespace Airlock.Audit;

/// <summary>The audit trail. An append returns only once the record is durable: calls wait on it.</summary>
internal interface IAuditStore
{
    /// <summary>Records a decision before anything is sent upstream; throws when the store cannot take it.</summary>
    Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Adds the outcome of a call that was forwarded or answered.</summary>
    Task CompleteAsync(long id, int? upstreamStatus, double latencyMs, string? reason, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> records after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> TailAsync(int count, long afterId, CancellationToken cancellationToken);
}
