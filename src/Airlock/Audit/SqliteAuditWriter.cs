using System.Text.Json;
using System.Threading.Channels;
using Airlock.Audit.Chain;
using Airlock.Identity;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

namespace Airlock.Audit;

/// <summary>
/// The one writer of the audit log: records queue (bounded) and are written in batches, one transaction each,
/// every record chained to the one before it (<see cref="ChainHash"/>) and the chain sealed by signed checkpoints.
/// A call's append returns only when its batch is committed; a batch that fails fails every call in it.
/// </summary>
internal sealed class SqliteAuditWriter : IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly AuditOptions _options;
    private readonly AuditSigningKey _key;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _loop;
    private ChainState _state;

    public SqliteAuditWriter(SqliteDatabase database, AuditOptions options, AuditSigningKey key)
    {
        _database = database;
        _options = options;
        _key = key;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true });
        _state = LoadState();
        _loop = Task.Run(RunAsync);
    }

    public Task<long> AppendAsync(AuditEntry entry)
    {
        if (_loop.IsCompleted)
        {
            // A writer that stopped would leave the call waiting forever: refuse it instead.
            throw new InvalidOperationException("The audit writer has stopped; the call is refused rather than left unrecorded.");
        }

        var pending = new PendingWrite(entry, null, 0);
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : throw new AuditQueueFullException(_options.QueueCapacity);
    }

    public async Task CompleteAsync(long id, AuditCompletion completion)
    {
        // The decision is already durable: a completion may wait for room rather than be lost.
        var pending = new PendingWrite(null, completion, id);
        await _queue.Writer.WriteAsync(pending);
        await pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_options.BatchSize);
        while (true)
        {
            bool more;
            using (var idle = new CancellationTokenSource(TimeSpan.FromSeconds(_options.CheckpointSeconds)))
            {
                try
                {
                    more = await _queue.Reader.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException)
                {
                    await TryCheckpointAsync();
                    continue;
                }
            }

            if (!more)
            {
                break;
            }

            while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await WriteAsync(batch);
            batch.Clear();
        }

        await TryCheckpointAsync();
    }

    private async Task WriteAsync(List<PendingWrite> batch)
    {
        var before = _state;
        try
        {
            await using var connection = await _database.OpenAsync();
            await using (var durable = connection.CreateCommand())
            {
                // FULL: the batch is on disk (WAL fsynced) when the calls in it are told so, power loss included.
                durable.CommandText = "PRAGMA synchronous = FULL";
                await durable.ExecuteNonQueryAsync();
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var item in batch)
            {
                item.Id = item.Entry is { } entry ? await InsertAsync(connection, transaction, entry) : await UpdateAsync(connection, transaction, item);
            }

            if (_state.Seq - _state.CheckpointSeq >= _options.CheckpointEvery || DateTimeOffset.UtcNow - _state.CheckpointAt >= TimeSpan.FromSeconds(_options.CheckpointSeconds))
            {
                await InsertCheckpointAsync(connection, transaction);
            }

            await transaction.CommitAsync();
        }
        catch (Exception e)
        {
            _state = before;
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }

            return;
        }

        foreach (var item in batch)
        {
            item.Done.TrySetResult(item.Id);
        }
    }

    private async Task<long> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, AuditEntry entry)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit (request_id, time, principal, session_id, access_key_id, connection, service, operation, resources,
                               decision, reason, client_ip, upstream_status, latency_ms, action, region, parameters)
            VALUES ($rid, $time, $principal, $session, $ak, $conn, $service, $op, $resources, $decision, $reason, $ip, $status, $latency,
                    $action, $region, $parameters)
            RETURNING id
            """;
        command.Parameters.AddWithValue("$rid", entry.RequestId);
        command.Parameters.AddWithValue("$time", SqliteSessionStore.Format(entry.Time));
        command.Parameters.AddWithValue("$principal", (object?)entry.Principal ?? DBNull.Value);
        command.Parameters.AddWithValue("$session", (object?)entry.SessionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$ak", (object?)entry.AccessKeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$conn", (object?)entry.Connection ?? DBNull.Value);
        command.Parameters.AddWithValue("$service", (object?)entry.Service ?? DBNull.Value);
        command.Parameters.AddWithValue("$op", (object?)entry.Operation ?? DBNull.Value);
        command.Parameters.AddWithValue("$resources", string.Join('\n', entry.Resources));
        command.Parameters.AddWithValue("$decision", entry.Decision);
        command.Parameters.AddWithValue("$reason", (object?)entry.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$ip", (object?)entry.ClientIp ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)entry.UpstreamStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$latency", (object?)entry.LatencyMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$action", (object?)entry.Action ?? DBNull.Value);
        command.Parameters.AddWithValue("$region", (object?)entry.Region ?? DBNull.Value);
        command.Parameters.AddWithValue("$parameters", entry.Parameters.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(entry.Parameters));
        var id = (long)(await command.ExecuteScalarAsync())!;
        await ChainAsync(connection, transaction, "call", id, JsonSerializer.Serialize(entry with { Id = id }));
        return id;
    }

    private async Task<long> UpdateAsync(SqliteConnection connection, SqliteTransaction transaction, PendingWrite item)
    {
        var completion = item.Completion!;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE audit SET upstream_status = $status, latency_ms = $latency, reason = COALESCE($reason, reason), completed_at = $now,
                             masked = $masked, response = $response
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$id", item.CompletesId);
        command.Parameters.AddWithValue("$status", (object?)completion.UpstreamStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$latency", completion.LatencyMs);
        command.Parameters.AddWithValue("$reason", (object?)completion.Failure ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", SqliteSessionStore.Format(DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$masked", completion.Masked.Count == 0 ? DBNull.Value : string.Join('\n', completion.Masked));
        command.Parameters.AddWithValue("$response", (object?)completion.Response ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
        await ChainAsync(connection, transaction, "complete", item.CompletesId, JsonSerializer.Serialize(completion));
        return item.CompletesId;
    }

    private async Task ChainAsync(SqliteConnection connection, SqliteTransaction transaction, string kind, long recordId, string body)
    {
        var seq = _state.Seq + 1;
        var time = SqliteSessionStore.Format(DateTimeOffset.UtcNow);
        var hash = ChainHash.Compute(_state.Hash, seq, kind, time, body);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_log (seq, time, kind, record_id, body, prev_hash, hash) VALUES ($seq, $time, $kind, $record, $body, $prev, $hash)
            """;
        command.Parameters.AddWithValue("$seq", seq);
        command.Parameters.AddWithValue("$time", time);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$record", recordId);
        command.Parameters.AddWithValue("$body", body);
        command.Parameters.AddWithValue("$prev", _state.Hash);
        command.Parameters.AddWithValue("$hash", hash);
        await command.ExecuteNonQueryAsync();
        _state = _state with { Seq = seq, Hash = hash };
    }

    private async Task TryCheckpointAsync()
    {
        if (_state.Seq == _state.CheckpointSeq)
        {
            return;
        }

        var before = _state;
        try
        {
            await using var connection = await _database.OpenAsync();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await InsertCheckpointAsync(connection, transaction);
            await transaction.CommitAsync();
        }
        catch (Exception)
        {
            // The next batch or tick tries again; records stay chained meanwhile.
            _state = before;
        }
    }

    private async Task InsertCheckpointAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        var checkpoint = _key.Sign(_state.Seq, _state.Hash, SqliteSessionStore.Format(DateTimeOffset.UtcNow));
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO audit_checkpoints (seq, hash, time, key_id, signature) VALUES ($seq, $hash, $time, $key, $signature)
            """;
        command.Parameters.AddWithValue("$seq", checkpoint.Seq);
        command.Parameters.AddWithValue("$hash", checkpoint.Hash);
        command.Parameters.AddWithValue("$time", checkpoint.Time);
        command.Parameters.AddWithValue("$key", checkpoint.KeyId);
        command.Parameters.AddWithValue("$signature", checkpoint.Signature);
        await command.ExecuteNonQueryAsync();
        _state = _state with { CheckpointSeq = checkpoint.Seq, CheckpointAt = DateTimeOffset.UtcNow };
    }

    private ChainState LoadState()
    {
        using var connection = _database.OpenAsync().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
                   (SELECT seq FROM audit_checkpoints ORDER BY seq DESC LIMIT 1)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return new ChainState(
            reader.IsDBNull(0) ? 0 : reader.GetInt64(0),
            reader.IsDBNull(1) ? ChainHash.Genesis : reader.GetString(1),
            reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
            DateTimeOffset.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed class PendingWrite(AuditEntry? entry, AuditCompletion? completion, long completesId)
    {
        public AuditEntry? Entry { get; } = entry;
        public AuditCompletion? Completion { get; } = completion;
        public long CompletesId { get; } = completesId;
        public long Id { get; set; }
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly record struct ChainState(long Seq, string Hash, long CheckpointSeq, DateTimeOffset CheckpointAt);
}
