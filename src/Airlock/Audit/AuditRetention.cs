using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Audit;

/// <summary>
/// Pruning by age that keeps the log verifiable: records are removed only up to a signed checkpoint, which
/// stays as the anchor the remaining chain starts from (the verifier checks the first remaining record
/// follows it).
/// </summary>
internal static class AuditRetention
{
    /// <summary>What a prune removed: up to which record, anchored where, and how many audit rows went.</summary>
    public readonly record struct PruneResult(long AnchorSeq, long LogRecords, long AuditRows);

    public static async Task<PruneResult?> PruneAsync(IAuditDatabase database, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The append lock: no gateway extends the chain while its start is cut.
        await using var transaction = await database.BeginAppendAsync(connection, cancellationToken);
        long? anchor;
        // The newest checkpoint before the cut whose record is still there to anchor on; the newest record always stays.
        await using (var find = connection.Command(transaction, """
            SELECT c.seq FROM audit_checkpoints c JOIN audit_log l ON l.seq = c.seq
            WHERE c.time < @before AND c.seq < (SELECT max(seq) FROM audit_log) ORDER BY c.seq DESC LIMIT 1
            """, ("@before", StoreTime.Format(before))))
        {
            anchor = await find.ExecuteScalarAsync(cancellationToken) is { } found and not DBNull ? Convert.ToInt64(found) : null;
        }

        if (anchor is not { } seq)
        {
            return null;
        }

        // Row ids are given in the chain's order, under the same lock: the rows the pruned records wrote are every row
        // up to the highest id they name (a decision's own, or a batch's highest; an outcome names an earlier row).
        await using var pruneRows = connection.Command(transaction,
            "DELETE FROM audit WHERE id <= (SELECT max(record_id) FROM audit_log WHERE seq <= @seq)", ("@seq", seq));
        long rows = await pruneRows.ExecuteNonQueryAsync(cancellationToken);
        await using var pruneLog = connection.Command(transaction, "DELETE FROM audit_log WHERE seq <= @seq", ("@seq", seq));
        long records = await pruneLog.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PruneResult(seq, records, rows);
    }
}
