using Airlock.Identity;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

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

    public static async Task<PruneResult?> PruneAsync(SqliteDatabase database, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        long? anchor;
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            // The newest checkpoint before the cut whose record is still there to anchor on; the newest record always stays.
            find.CommandText = """
                SELECT c.seq FROM audit_checkpoints c JOIN audit_log l ON l.seq = c.seq
                WHERE c.time < $before AND c.seq < (SELECT max(seq) FROM audit_log) ORDER BY c.seq DESC LIMIT 1
                """;
            find.Parameters.AddWithValue("$before", SqliteSessionStore.Format(before));
            anchor = await find.ExecuteScalarAsync(cancellationToken) as long?;
        }

        if (anchor is not { } seq)
        {
            return null;
        }

        await using var prune = connection.CreateCommand();
        prune.Transaction = transaction;
        prune.CommandText = """
            DELETE FROM audit WHERE id IN (SELECT record_id FROM audit_log WHERE seq <= $seq AND kind = 'call');
            SELECT changes();
            """;
        prune.Parameters.AddWithValue("$seq", seq);
        var rows = (long)(await prune.ExecuteScalarAsync(cancellationToken))!;
        prune.CommandText = "DELETE FROM audit_log WHERE seq <= $seq; SELECT changes();";
        var records = (long)(await prune.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PruneResult(seq, records, rows);
    }
}
