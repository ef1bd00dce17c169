using System.Data.Common;
using Airlock.Audit;
using Airlock.Audit.Chain;
using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>
/// One suite for every audit store, run on a real SQLite file and a real PostgreSQL server: records written through
/// the chained writer, then tampered with by plain SQL the way someone with the database would, and checked by the
/// verifier; searches; a store that refuses writes, a held lock, a full queue; writers racing on one chain.
/// </summary>
public abstract class AuditStoreSuite
{
    private protected abstract Task<AuditTestDatabase> NewDatabaseAsync();

    private async Task<(AuditTestDatabase Database, byte[] PublicKey)> StoreWithRecordsAsync(int calls = 20, AuditOptions? options = null)
    {
        var database = await NewDatabaseAsync();
        var store = database.NewStore(options ?? new AuditOptions { CheckpointEvery = 8 });
        for (var i = 0; i < calls; i++)
        {
            var id = await store.AppendAsync(Entry(i), CancellationToken.None);
            if (i % 2 == 0)
            {
                await store.CompleteAsync(id, new AuditCompletion(200, 1.5 + i, null) { Masked = ["SecretString by model"], Response = "{\"SecretString\":\"****\"}"u8.ToArray() }, CancellationToken.None);
            }
        }

        await store.DisposeAsync();
        return (database, AuditSigningKey.LoadOrCreate(database.KeyFile).PublicKey);
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
        RequestBody = i % 3 == 0 ? $"{{\"SecretId\":\"db-{i}\"}}" : null,
    };

    private async Task<string> FirstProblemAfterAsync(string sql)
    {
        var (database, key) = await StoreWithRecordsAsync();
        Assert.True((await AuditVerifier.VerifyAsync(database.Database, key)).Intact);
        await database.ExecuteAsync(sql);
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.False(report.Intact, "the verifier found nothing");
        return report.Problems[0];
    }

    [Fact]
    public async Task AnUntouchedLog_IsIntact()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
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

    [Theory]
    [InlineData("UPDATE audit SET response = replace(response, '****', 'hunter2') WHERE id = 3")]
    [InlineData("UPDATE audit SET response = NULL WHERE id = 3")]
    public async Task EditingOrDroppingARecordedResponse_IsNamed(string sql) =>
        Assert.Equal("audit row 3 (REQ0002) differs from its log record in response: modified", await FirstProblemAfterAsync(sql));

    [Theory]
    [InlineData("UPDATE audit SET request_body = replace(request_body, 'db-3', 'db-9') WHERE id = 4")]
    [InlineData("UPDATE audit SET request_body = NULL WHERE id = 4")]
    [InlineData("UPDATE audit SET request_body = '{}' WHERE id = 5")]
    public async Task EditingOrDroppingARecordedRequestBody_IsNamed(string sql) =>
        Assert.Matches(@"^audit row [45] \(REQ000[34]\) differs from its log record in request_body: modified$", await FirstProblemAfterAsync(sql));

    [Fact]
    public async Task TheLog_HoldsTheBodiesHashes_NotTheirText()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var completions = await LogBodiesAsync(database, "complete");
        Assert.Equal(10, completions.Count);
        Assert.All(completions.Values, body => Assert.DoesNotContain("SecretString\\\":", body));
        Assert.All(completions.Values, body => Assert.Contains($"\"ResponseSha256\":\"{ChainHash.OfText("{\"SecretString\":\"****\"}")}\"", body));
        // Row 4's request body ({"SecretId":"db-3"}) is in the row, and only its hash in the log.
        var call = (await LogBodiesAsync(database, "call"))[4];
        Assert.DoesNotContain("db-3\\\"}", call);
        Assert.Contains($"\"RequestBodySha256\":\"{ChainHash.OfText("{\"SecretId\":\"db-3\"}")}\"", call);
        Assert.True((await AuditVerifier.VerifyAsync(database.Database, key)).Intact);
    }

    private static async Task<Dictionary<long, string>> LogBodiesAsync(AuditTestDatabase database, string kind)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(null, "SELECT record_id, body FROM audit_log WHERE kind = @kind", ("@kind", kind));
        await using var reader = await command.ExecuteReaderAsync();
        var bodies = new Dictionary<long, string>();
        while (await reader.ReadAsync())
        {
            bodies[reader.GetInt64(0)] = reader.GetString(1);
        }

        return bodies;
    }

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
        await using (var connection = await database.Database.OpenAsync(CancellationToken.None))
        {
            var rows = new List<(long Seq, string Time, string Kind, string Body)>();
            await using (var read = connection.Command(null, "SELECT seq, time, kind, body FROM audit_log ORDER BY seq"))
            {
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
                await using var write = connection.Command(null, "UPDATE audit_log SET body = @body, prev_hash = @prev, hash = @hash WHERE seq = @seq",
                    ("@body", newBody), ("@prev", previous), ("@hash", hash), ("@seq", seq));
                await write.ExecuteNonQueryAsync();
                previous = hash;
            }
        }

        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.False(report.Intact);
        Assert.Contains("record 8 is not what its signed checkpoint saw: the log up to it was rewritten", report.Problems);
    }

    [Fact]
    public async Task Pruning_KeepsTheRestVerifiable_AndTamperingAfterItIsStillSeen()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var pruned = await AuditRetention.PruneAsync(database.Database, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.NotNull(pruned);
        Assert.InRange(pruned.Value.AnchorSeq, 8, 29);
        Assert.Equal(pruned.Value.AnchorSeq, pruned.Value.LogRecords);

        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(30 - pruned.Value.AnchorSeq, report.Records);
        Assert.Equal(0, report.UnchainedRows);

        await database.ExecuteAsync($"DELETE FROM audit_log WHERE seq = {pruned.Value.AnchorSeq + 1}");
        var after = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.False(after.Intact);
        // The first remaining record no longer follows the anchor: everything before it reads as deleted.
        Assert.Equal($"records 1..{pruned.Value.AnchorSeq + 1} are missing: deleted from the log", after.Problems[0]);
    }

    [Fact]
    public async Task TheRetentionSweep_PrunesWhatOutlivedIt_OnNodesTakingTurns_AndRecordsIt()
    {
        var (database, key) = await StoreWithRecordsAsync();
        var options = new AuditOptions { RetentionDays = 1 };
        var twoDaysOn = new LaterTime(TimeSpan.FromDays(2));
        var store = database.NewStore(options);
        var nodes = new[] { database.State(), database.State() }
            .Select(state => new AuditRetentionSweeper(options, store, state, twoDaysOn, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditRetentionSweeper>.Instance));

        var ran = await Task.WhenAll(nodes.Select(n => n.SweepAsync(CancellationToken.None)));
        await store.DisposeAsync();

        Assert.Contains(true, ran);
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.True(report.Records < 30, $"{report.Records} records remain");
        var pruned = await database.NewStore().SearchAsync(new AuditQuery { Operation = "PruneAudit" }, CancellationToken.None);
        Assert.NotEmpty(pruned);
        Assert.Contains("retention 1 days", pruned[0].Reason);
    }

    private sealed class LaterTime(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + ahead;
    }

    [Fact]
    public async Task PruningWithoutAnAnchor_IsDeletion()
    {
        var (database, key) = await StoreWithRecordsAsync();
        await database.ExecuteAsync("DELETE FROM audit_log WHERE seq <= 5; DELETE FROM audit_checkpoints WHERE seq <= 8");
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.Equal("records 1..5 are missing: deleted from the log", report.Problems[0]);
    }

    [Fact]
    public async Task AStoreThatRefusesWrites_FailsTheAppend_AndTheChainStaysWhole()
    {
        var (database, key) = await StoreWithRecordsAsync(calls: 3);
        var store = database.NewStore();
        await database.ExecuteAsync(database.RefuseInserts.Refuse);
        var refused = await Assert.ThrowsAnyAsync<DbException>(() => store.AppendAsync(Entry(100), CancellationToken.None));
        Assert.Contains("audit store down", refused.Message);
        await database.ExecuteAsync(database.RefuseInserts.Accept);
        await store.AppendAsync(Entry(101), CancellationToken.None);
        await store.DisposeAsync();

        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(6, report.Records);
    }

    [Fact]
    public async Task AFullQueue_RefusesAtOnce_AndDrainsWhenTheStoreComesBack()
    {
        var (database, key) = await StoreWithRecordsAsync(calls: 1);
        var store = database.NewStore(new AuditOptions { QueueCapacity = 2, BatchSize = 1 });
        // Another client holds the write lock: the writer waits (up to the store's lock timeout) and the queue fills.
        var blocker = await database.HoldWriteLockAsync();

        var waiting = new List<Task<long>>();
        var refused = 0;
        for (var i = 0; i < 10; i++)
        {
            // A refusal is a task that has already failed, so the caller never waits for it.
            var append = store.AppendAsync(Entry(200 + i), CancellationToken.None);
            if (append is { IsFaulted: true, Exception.InnerException: AuditQueueFullException })
            {
                refused++;
            }
            else
            {
                waiting.Add(append);
            }
        }

        // The queue took what it holds (and the writer one more); every other call was refused at once, not left waiting.
        Assert.InRange(waiting.Count, 2, 3);
        Assert.Equal(10 - waiting.Count, refused);
        await blocker.DisposeAsync();

        foreach (var task in waiting)
        {
            try
            {
                await task;
            }
            catch (DbException)
            {
                // A batch that waited past the lock timeout fails: its call would have been refused.
            }
        }

        await store.DisposeAsync();
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task OutcomesQueuedAsTheWriterStops_AreStillWritten()
    {
        // Outcomes wait beside the queue for a decision to share its commit; a stop must not leave them there.
        var database = await NewDatabaseAsync();
        var store = database.NewStore(new AuditOptions());
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await store.AppendAsync(Entry(i), CancellationToken.None));
        }

        var outcomes = ids.Select(id => store.CompleteAsync(id, new AuditCompletion(201, 2, null), CancellationToken.None)).ToList();
        await store.DisposeAsync();

        await Task.WhenAll(outcomes).WaitAsync(TimeSpan.FromSeconds(30));
        var reader = database.NewStore(new AuditOptions());
        Assert.Equal(5, (await reader.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Count(e => e.UpstreamStatus == 201));
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task CallsDecidedAndEndedTogether_EachRowKeepsItsOwnValues_AndTheChainVerifies()
    {
        // Concurrent calls share commits (on PostgreSQL, one batch of statements each): no row may take another's values.
        var (database, key) = await StoreWithRecordsAsync(calls: 1);
        var store = database.NewStore(new AuditOptions());
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.AppendAsync(Entry(200 + i), CancellationToken.None)));
        await Task.WhenAll(ids.Select((id, i) => store.CompleteAsync(id, new AuditCompletion(i % 2 == 0 ? 200 + i : null, 10 + i, i % 2 == 0 ? null : $"failure {i}")
        {
            Masked = i % 3 == 0 ? [$"Field{i} by model"] : [],
            Response = i % 4 == 0 ? null : System.Text.Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
        }, CancellationToken.None)));

        var rows = (await store.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Where(e => e.RequestId.StartsWith("REQ02", StringComparison.Ordinal)).ToDictionary(e => e.RequestId);
        await store.DisposeAsync();
        Assert.Equal(40, rows.Count);
        for (var i = 0; i < 40; i++)
        {
            var row = rows[$"REQ{200 + i:D4}"];
            Assert.Equal(ids[i], row.Id);
            Assert.Equal(i % 2 == 0 ? 200 + i : null, row.UpstreamStatus);
            Assert.Equal(10 + i, row.LatencyMs);
            Assert.Equal(i % 2 == 0 ? "AgentsWork" : $"failure {i}", row.Reason);
            Assert.Equal(i % 3 == 0 ? [$"Field{i} by model"] : [], row.Masked);
            Assert.Equal(i % 4 == 0 ? null : $"{{\"n\":{i}}}", row.Response);
            Assert.Equal($"db-{200 + i}", row.Parameters["SecretId"]);
            Assert.Equal((200 + i) % 3 == 0 ? $"{{\"SecretId\":\"db-{200 + i}\"}}" : null, row.RequestBody);
        }

        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task MoreOutcomesThanABatch_AreAllWritten_AndTheChainVerifies()
    {
        var (database, key) = await StoreWithRecordsAsync(calls: 1);
        var store = database.NewStore(new AuditOptions { BatchSize = 3 });
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await store.AppendAsync(Entry(100 + i), CancellationToken.None));
        }

        // All at once, with no decision to take them: past a batch's worth they go through the queue, as decisions do.
        await Task.WhenAll(ids.Select(id => store.CompleteAsync(id, new AuditCompletion(202, 3, null), CancellationToken.None)));
        Assert.Equal(20, (await store.SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Count(e => e.UpstreamStatus == 202));
        await store.DisposeAsync();
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task TwoWritersOnOneDatabase_ExtendOneVerifiableChain()
    {
        // Two gateway nodes sharing the store, with the same signing key: their records interleave in one chain.
        var database = await NewDatabaseAsync();
        var nodes = new[] { database.NewStore(new AuditOptions { CheckpointEvery = 50 }), database.NewStore(new AuditOptions { CheckpointEvery = 50 }) };
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var node = nodes[i % 2];
            var id = await node.AppendAsync(Entry(i), CancellationToken.None);
            await node.CompleteAsync(id, new AuditCompletion(200, 1, null), CancellationToken.None);
        }));
        Assert.Equal(200, (await nodes[1].SearchAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None)).Count(e => e.UpstreamStatus == 200));
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }

        var report = await AuditVerifier.VerifyAsync(database.Database, AuditSigningKey.LoadOrCreate(database.KeyFile).PublicKey);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        // 400 records (200 decisions, 200 outcomes), one log record per commit.
        Assert.InRange(report.Records, 2, 400);
        Assert.Equal(report.Records, report.LastCheckpoint);
    }

    /// <summary>
    /// A store whose commits carried several records each: the outcome of row 1 and decisions queued while another
    /// client held the write lock. Gives the batch records' sequence numbers and the rows each holds.
    /// </summary>
    private async Task<(AuditTestDatabase Database, byte[] PublicKey, Dictionary<long, long[]> Batches)> StoreWithBatchesAsync(AuditOptions? options = null)
    {
        var database = await NewDatabaseAsync();
        var store = database.NewStore(options ?? new AuditOptions());
        var first = await store.AppendAsync(Entry(0), CancellationToken.None);
        var outcome = store.CompleteAsync(first, new AuditCompletion(200, 1, null), CancellationToken.None);
        var decisions = new List<Task<long>>();
        await using (await database.HoldWriteLockAsync())
        {
            decisions.AddRange(Enumerable.Range(1, 8).Select(i => store.AppendAsync(Entry(i), CancellationToken.None)));
            await Task.Delay(100);
        }

        await Task.WhenAll(decisions);
        await outcome;
        await store.DisposeAsync();

        var batches = new Dictionary<long, long[]>();
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(null, "SELECT seq, body FROM audit_log WHERE kind = 'batch' ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var body = System.Text.Json.JsonDocument.Parse(reader.GetString(1));
            batches[reader.GetInt64(0)] = body.RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).Order().ToArray();
        }

        Assert.NotEmpty(batches);
        return (database, AuditSigningKey.LoadOrCreate(database.KeyFile).PublicKey, batches);
    }

    [Fact]
    public async Task TextsThatAreNotValidUnicode_StillVerify()
    {
        // A caller chooses what is recorded: a lone surrogate (JSON's "\ud800") must not read as tampering.
        var database = await NewDatabaseAsync();
        var store = database.NewStore();
        var id = await store.AppendAsync(Entry(1) with
        {
            Parameters = new Dictionary<string, string> { ["SecretId"] = "db-\ud800-x" },
            Headers = new Dictionary<string, string> { ["x-odd"] = "\udfff" },
            RequestBody = "{\"SecretId\":\"\ud800\"}",
            UserAgent = "agent \ud83d",
        }, CancellationToken.None);
        await store.CompleteAsync(id, new AuditCompletion(200, 1, "upstream said \udc00"), CancellationToken.None);
        await store.DisposeAsync();

        var report = await AuditVerifier.VerifyAsync(database.Database, AuditSigningKey.LoadOrCreate(database.KeyFile).PublicKey);

        Assert.True(report.Intact, string.Join("\n", report.Problems));
    }

    [Fact]
    public async Task RecordsCommittedTogether_AreOneLogRecord_AndVerify()
    {
        var (database, key, batches) = await StoreWithBatchesAsync();

        var report = await AuditVerifier.VerifyAsync(database.Database, key);

        Assert.True(report.Intact, string.Join("\n", report.Problems));
        // 10 records (9 decisions, 1 outcome) in fewer log records.
        Assert.InRange(report.Records, 2, 9);
        Assert.Equal(10, batches.Values.Sum(rows => rows.Length) + (report.Records - batches.Count));
        Assert.Equal(9, (await database.NewStore().SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task EditingABatchRecord_NamesEveryRowInIt()
    {
        var (database, key, batches) = await StoreWithBatchesAsync();
        var (seq, rows) = batches.First(b => b.Value.Length > 1);
        await database.ExecuteAsync($"UPDATE audit_log SET body = replace(body, 'agent-1', 'agent-2') WHERE seq = {seq}");

        var report = await AuditVerifier.VerifyAsync(database.Database, key);

        Assert.Equal($"record {seq} (audit rows {string.Join(", ", rows)}) was modified: its content no longer matches its hash", report.Problems[0]);
    }

    [Fact]
    public async Task EditingARowWrittenInABatch_IsNamed()
    {
        var (database, key, batches) = await StoreWithBatchesAsync();
        var row = batches.Values.First(rows => rows.Length > 1).Max();
        await database.ExecuteAsync($"UPDATE audit SET principal = 'someone-else' WHERE id = {row}");

        var report = await AuditVerifier.VerifyAsync(database.Database, key);

        Assert.Matches($@"^audit row {row} \(REQ\d{{4}}\) differs from its log record in principal: modified$", report.Problems[0]);
    }

    [Fact]
    public async Task PruningBatchRecords_DeletesTheirRows_AndTheRestVerifies()
    {
        var (database, key, _) = await StoreWithBatchesAsync(new AuditOptions { CheckpointEvery = 1 });
        var store = database.NewStore();
        var last = await store.AppendAsync(Entry(99), CancellationToken.None);
        await store.DisposeAsync();

        var pruned = await AuditRetention.PruneAsync(database.Database, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.NotNull(pruned);
        var report = await AuditVerifier.VerifyAsync(database.Database, key);
        Assert.True(report.Intact, string.Join("\n", report.Problems));
        Assert.Equal(0, report.UnchainedRows);
        Assert.Equal(9, pruned.Value.AuditRows);
        Assert.Equal([last], (await database.NewStore().SearchAsync(new AuditQuery { Limit = 100 }, CancellationToken.None)).Select(e => e.Id));
    }

    private static readonly DateTimeOffset SearchStart = DateTimeOffset.UtcNow.AddMinutes(-10);

    private async Task<AuditStore> SearchableStoreAsync()
    {
        var store = (await NewDatabaseAsync()).NewStore();
        for (var i = 0; i < 12; i++)
        {
            await store.AppendAsync(new AuditEntry
            {
                RequestId = $"R{i}",
                Time = SearchStart.AddMinutes(i),
                Principal = i % 2 == 0 ? "alice" : "bob",
                SessionId = $"s-{i % 3}",
                Connection = i < 6 ? "prod" : "staging",
                Service = i % 4 == 0 ? "s3" : "dynamodb",
                Operation = i % 4 == 0 ? "GetObject" : "Query",
                Resources = [i % 4 == 0 ? $"arn:aws:s3:::reports/q{i}.csv" : $"arn:aws:dynamodb:us-east-1:1:table/orders-{i}"],
                Parameters = i == 7
                    ? new Dictionary<string, string> { ["Marker"] = "needle-7", ["Owner"] = "O'Brien & Søn <ops>" }
                    : new Dictionary<string, string> { ["Marker"] = $"needle-{i}" },
                Decision = i == 5 ? "deny" : "allow",
            }, CancellationToken.None);
        }

        return store;
    }

    [Fact]
    public async Task EachFilterNarrowsTheRecords()
    {
        await using var store = await SearchableStoreAsync();
        async Task<string[]> FindAsync(AuditQuery query) => (await store.SearchAsync(query, CancellationToken.None)).Select(e => e.RequestId).ToArray();
        Assert.Equal(6, (await FindAsync(new AuditQuery { Subject = "alice" })).Length);
        Assert.Equal(["R1", "R4", "R7", "R10"], await FindAsync(new AuditQuery { Session = "s-1" }));
        Assert.Equal(6, (await FindAsync(new AuditQuery { Connection = "staging" })).Length);
        Assert.Equal(["R0", "R4", "R8"], await FindAsync(new AuditQuery { Service = "s3" }));
        Assert.Equal(["R0", "R4", "R8"], await FindAsync(new AuditQuery { Operation = "GetObject" }));
        Assert.Equal(["R4"], await FindAsync(new AuditQuery { Resource = "reports/q4" }));
        Assert.Equal(["R5"], await FindAsync(new AuditQuery { Decision = "deny" }));
        Assert.Equal(["R11"], await FindAsync(new AuditQuery { Text = "needle-11" }));
        Assert.Equal(["R7"], await FindAsync(new AuditQuery { Text = "O'Brien & Søn <ops>" }));
        Assert.Equal(["R3", "R4"], await FindAsync(new AuditQuery { Since = SearchStart.AddMinutes(3), Until = SearchStart.AddMinutes(5) }));
        Assert.Equal(["R8"], await FindAsync(new AuditQuery { Subject = "alice", Service = "s3", Connection = "staging" }));
    }

    [Fact]
    public async Task PagesFollowOneAnother()
    {
        await using var store = await SearchableStoreAsync();
        var first = await store.SearchAsync(new AuditQuery { Limit = 5 }, CancellationToken.None);
        var second = await store.SearchAsync(new AuditQuery { Limit = 5, AfterId = first[^1].Id }, CancellationToken.None);
        Assert.Equal(["R0", "R1", "R2", "R3", "R4"], first.Select(e => e.RequestId));
        Assert.Equal(["R5", "R6", "R7", "R8", "R9"], second.Select(e => e.RequestId));
    }
}

public sealed class SqliteAuditStoreTests : AuditStoreSuite
{
    private protected override Task<AuditTestDatabase> NewDatabaseAsync() => Task.FromResult<AuditTestDatabase>(new SqliteTestDatabase());

    [Fact]
    public void ANewStore_UsesLargePages_AndAnExistingOneKeepsItsOwn()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("airlock-pages-").FullName, "airlock.db");
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = "PRAGMA page_size = 4096; CREATE TABLE earlier (x INTEGER);";
            create.ExecuteNonQuery();
        }

        new SqliteDatabase(path).EnsureSchema();
        Assert.Equal(4096L, PageSize(path));

        var fresh = Path.Combine(Directory.CreateTempSubdirectory("airlock-pages-").FullName, "airlock.db");
        new SqliteDatabase(fresh).EnsureSchema();
        Assert.Equal(16384L, PageSize(fresh));
    }

    private static long PageSize(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }
}

public sealed class PostgresAuditStoreTests : AuditStoreSuite
{
    private protected override async Task<AuditTestDatabase> NewDatabaseAsync() => await PostgresTestDatabase.CreateAsync();
}
