using Airlock.Audit;
using Airlock.Audit.Chain;
using Airlock.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>
/// The audit log on a real SQLite file: written through the chained writer, then tampered with by plain SQL
/// the way someone with the file would, and checked by the verifier.
/// </summary>
public sealed class AuditChainTests
{
    private static async Task<(SqliteDatabase Database, byte[] PublicKey)> StoreWithRecordsAsync(int calls = 20, AuditOptions? options = null)
    {
        var database = new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("airlock-chain-").FullName, "airlock.db"));
        database.EnsureSchema();
        var store = new SqliteAuditStore(database, options ?? new AuditOptions { CheckpointEvery = 8 });
        for (var i = 0; i < calls; i++)
        {
            var id = await store.AppendAsync(Entry(i), CancellationToken.None);
            if (i % 2 == 0)
            {
                await store.CompleteAsync(id, new AuditCompletion(200, 1.5 + i, null) { Masked = ["SecretString by model"], Response = "{\"SecretString\":\"****\"}" }, CancellationToken.None);
            }
        }

        await store.DisposeAsync();
        return (database, AuditSigningKey.LoadOrCreate(store.SigningKeyFile).PublicKey);
    }

    private static AuditEntry Entry(int i) => new()
    {
        RequestId = $"REQ{i:D4}",
        Time = DateTimeOffset.UtcNow,
        Principal = "agent-1",
        SessionId = "s-1",
        Service = "secretsmanager",
        Operation = "GetSecretValue",
        Action = "secretsmanager:GetSecretValue",
        Resources = [$"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-{i}"],
        Parameters = new Dictionary<string, string> { ["SecretId"] = $"db-{i}" },
        Decision = i % 5 == 0 ? "deny" : "allow",
        Reason = "AgentsWork",
        LatencyMs = 0.25,
    };

    private static async Task ExecuteAsync(SqliteDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> FirstProblemAfterAsync(string sql)
    {
        var (database, key) = await StoreWithRecordsAsync();
        Assert.True((await AuditVerifier.VerifyAsync(database, key)).Intact);
        await ExecuteAsync(database, sql);
        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.False(report.Intact, "the verifier found nothing");
        return report.Problems[0];
    }

    [Fact]
    public async Task AnUntouchedLog_IsIntact()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(30, report.Records); // 20 calls, 10 completions
        Assert.Equal(30, report.LastCheckpoint); // the writer seals the log when it stops
        Assert.True(report.Checkpoints >= 4);
    }

    [Fact]
    public async Task EditingALogRecord_IsNamed() =>
        Assert.Equal("record 7 (audit row 5) was modified: its content no longer matches its hash",
            await FirstProblemAfterAsync("UPDATE audit_log SET body = replace(body, 'agent-1', 'agent-2') WHERE seq = 7"));

    [Fact]
    public async Task EditingTheAuditTable_IsNamed() =>
        Assert.Equal("audit row 5 (REQ0004) differs from its log record in decision: modified",
            await FirstProblemAfterAsync("UPDATE audit SET decision = 'allow' WHERE id = 5 AND decision = 'deny'; UPDATE audit SET decision = 'deny' WHERE id = 5"));

    [Fact]
    public async Task DeletingARecord_IsNamed() =>
        Assert.Equal("records 12..12 are missing: deleted from the log", await FirstProblemAfterAsync("DELETE FROM audit_log WHERE seq = 12"));

    [Fact]
    public async Task DeletingAnAuditRow_IsNamed() =>
        Assert.Equal("audit row 3 (REQ0002) is in the log but not in the audit table: deleted", await FirstProblemAfterAsync("DELETE FROM audit WHERE id = 3"));

    [Fact]
    public async Task InsertingARecord_IsNamed()
    {
        var problem = await FirstProblemAfterAsync("""
            UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= 10;
            UPDATE audit_log SET seq = -seq WHERE seq < 0;
            INSERT INTO audit_log (seq, time, kind, record_id, body, prev_hash, hash)
            SELECT 10, time, kind, record_id, body, prev_hash, hash FROM audit_log WHERE seq = 9;
            """);
        Assert.Equal("record 10 does not follow record 9: a record was inserted, removed or moved here", problem);
    }

    [Fact]
    public async Task InsertingAnAuditRow_IsNamed() =>
        Assert.Equal("audit row 21 (FORGED) is not in the log: inserted", await FirstProblemAfterAsync("""
            INSERT INTO audit (request_id, time, decision) VALUES ('FORGED', '2026-11-22T05:00:00.0000000+00:00', 'allow')
            """));

    [Fact]
    public async Task SwappingTwoRecords_IsNamed() =>
        Assert.Equal("record 4 does not follow record 3: a record was inserted, removed or moved here", await FirstProblemAfterAsync("""
            UPDATE audit_log SET seq = -4 WHERE seq = 4;
            UPDATE audit_log SET seq = 4 WHERE seq = 5;
            UPDATE audit_log SET seq = 5 WHERE seq = -4;
            """));

    [Fact]
    public async Task CuttingTheTail_IsNamedAgainstTheLastCheckpoint() =>
        Assert.Equal("the log ends at record 27 but a signed checkpoint covers 30: records 28..30 were cut off",
            await FirstProblemAfterAsync("DELETE FROM audit_log WHERE seq > 27"));

    [Fact]
    public async Task AForgedCheckpoint_IsNamed() =>
        Assert.Equal("checkpoint at record 30 is not signed by this gateway's key: forged or altered",
            await FirstProblemAfterAsync("UPDATE audit_checkpoints SET seq = 30, hash = 'x' || substr(hash, 2) WHERE seq = 30"));

    [Fact]
    public async Task RewritingTheWholeLogConsistently_StillBreaksTheSignedCheckpoints()
    {
        // Someone with the file but not the key recomputes every hash after changing record 3.
        var (database, key) = await StoreWithRecordsAsync();
        await using (var connection = await database.OpenAsync())
        {
            var rows = new List<(long Seq, string Time, string Kind, string Body)>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT seq, time, kind, body FROM audit_log ORDER BY seq";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                }
            }

            var previous = ChainHash.Genesis;
            foreach (var (seq, time, kind, body) in rows)
            {
                var newBody = seq == 3 ? body.Replace("agent-1", "someone-else") : body;
                var hash = ChainHash.Compute(previous, seq, kind, time, newBody);
                await using var write = connection.CreateCommand();
                write.CommandText = "UPDATE audit_log SET body = $body, prev_hash = $prev, hash = $hash WHERE seq = $seq";
                write.Parameters.AddWithValue("$body", newBody);
                write.Parameters.AddWithValue("$prev", previous);
                write.Parameters.AddWithValue("$hash", hash);
                write.Parameters.AddWithValue("$seq", seq);
                await write.ExecuteNonQueryAsync();
                previous = hash;
            }
        }

        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.False(report.Intact);
        Assert.Contains("record 8 is not what its signed checkpoint saw: the log up to it was rewritten", report.Problems);
    }

    [Fact]
    public async Task Pruning_KeepsTheRestVerifiable_AndTamperingAfterItIsStillSeen()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var pruned = await AuditRetention.PruneAsync(database, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.NotNull(pruned);
        Assert.InRange(pruned.Value.AnchorSeq, 8, 29);
        Assert.Equal(pruned.Value.AnchorSeq, pruned.Value.LogRecords);

        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(30 - pruned.Value.AnchorSeq, report.Records);
        Assert.Equal(0, report.UnchainedRows);

        await ExecuteAsync(database, $"DELETE FROM audit_log WHERE seq = {pruned.Value.AnchorSeq + 1}");
        var after = await AuditVerifier.VerifyAsync(database, key);
        Assert.False(after.Intact);
        // The first remaining record no longer follows the anchor: everything before it reads as deleted.
        Assert.Equal($"records 1..{pruned.Value.AnchorSeq + 1} are missing: deleted from the log", after.Problems[0]);
    }

    [Fact]
    public async Task PruningWithoutAnAnchor_IsDeletion()
    {
        var (database, key) = await StoreWithRecordsAsync();
        await ExecuteAsync(database, "DELETE FROM audit_log WHERE seq <= 5; DELETE FROM audit_checkpoints WHERE seq <= 8");
        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.Equal("records 1..5 are missing: deleted from the log", report.Problems[0]);
    }

    [Fact]
    public async Task AStoreThatRefusesWrites_FailsTheAppend_AndTheChainStaysWhole()
    {
        var (database, key) = await StoreWithRecordsAsync(calls: 3);
        var store = new SqliteAuditStore(database, new AuditOptions());
        await ExecuteAsync(database, "CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit store down'); END;");
        await Assert.ThrowsAsync<SqliteException>(() => store.AppendAsync(Entry(100), CancellationToken.None));
        await ExecuteAsync(database, "DROP TRIGGER audit_down;");
        await store.AppendAsync(Entry(101), CancellationToken.None);
        await store.DisposeAsync();

        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(6, report.Records);
    }

    [Fact]
    public async Task AFullQueue_RefusesAtOnce_AndDrainsWhenTheStoreComesBack()
    {
        var (database, key) = await StoreWithRecordsAsync(calls: 1);
        var store = new SqliteAuditStore(database, new AuditOptions { QueueCapacity = 2, BatchSize = 1 });
        // Another connection holds the write lock: the writer waits on SQLite's busy timeout and the queue fills.
        await using var blocker = await database.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
        }

        var waiting = new List<Task<long>>();
        var refused = 0;
        for (var i = 0; i < 10; i++)
        {
            try
            {
                waiting.Add(store.AppendAsync(Entry(200 + i), CancellationToken.None));
            }
            catch (AuditQueueFullException)
            {
                refused++;
            }
        }

        // The queue took what it holds (and the writer one more); every other call was refused at once, not left waiting.
        Assert.InRange(waiting.Count, 2, 3);
        Assert.Equal(10 - waiting.Count, refused);
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        foreach (var task in waiting)
        {
            try
            {
                await task;
            }
            catch (SqliteException)
            {
                // A batch that waited past the busy timeout fails: its call would have been refused.
            }
        }

        await store.DisposeAsync();
        var report = await AuditVerifier.VerifyAsync(database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
    }
}
