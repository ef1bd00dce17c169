using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Airlock.Audit.Chain;
using Airlock.Audit.Stores;
using Airlock.Aws.Errors;
using Airlock.Hashing;
using Airlock.Identity;
using Airlock.Storage;
using Airlock.Telemetry;

namespace Airlock.Audit;

/// <summary>
/// A gateway's writer of the audit log: records queue (bounded) and are written in batches, one transaction each,
/// each batch's records chained as one log record (<see cref="CommitRecord"/>) to the one before it
/// (<see cref="ChainHash"/>), and the chain sealed by signed checkpoints.
/// Each batch reads the chain's tail inside its append transaction, so writers on several nodes extend one chain.
/// A call's append returns only when its batch is committed; a batch that fails fails every call in it.
/// </summary>
internal sealed class AuditWriter : IAsyncDisposable
{
    /// <summary>
    /// How long outcomes may wait for a decision to share its commit before the writer is woken for them alone (while
    /// decisions keep coming, up to twice this). The timer that checks fires once per period, not once per call: at
    /// 5 ms, with its remaining time re-armed on each check, it woke the runtime's timer thread 1.5 times per call at
    /// one caller; at 20 ms, re-armed whole, ~0.3.
    /// </summary>
    private static readonly TimeSpan OutcomeLinger = TimeSpan.FromMilliseconds(20);

    private static readonly string AllowWire = CallDecision.Allow.Wire();

    private readonly IAuditDatabase _database;
    private readonly AuditOptions _options;
    private readonly AuditSigningKey _key;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _loop;
    private readonly WriterConnection _connection;
    private readonly CheckpointWitness? _witness;
    private readonly TimeProvider _time;
    private readonly SessionsVersionWatch? _sessions;
    private readonly ConcurrentQueue<PendingWrite> _outcomes = new();
    private readonly Timer _outcomeFlush;
    private readonly Timer _idleTick;
    private int _outcomesWaiting;
    private int _outcomeFlushArmed;
    private long _lastDrain;
    private DateTimeOffset _checkpointAt;
    private bool _schemaReady;

    /// <param name="sessions">
    /// Given only when the trail is in the sessions' own database: the writer reads the sessions' change counter in each
    /// commit and tells it here, and checks again, in the commit, the session of each decision to run a call whose
    /// session was read at another counter.
    /// </param>
    public AuditWriter(IAuditDatabase database, AuditOptions options, AuditSigningKey key, TimeProvider time, CheckpointWitness? witness = null,
        SessionsVersionWatch? sessions = null)
    {
        _time = time;
        _sessions = sessions;
        _checkpointAt = time.GetUtcNow();
        _witness = witness;
        _database = database;
        _options = options;
        _key = key;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true });
        _connection = new WriterConnection(database);
        // Both timers run on the clock, not on the injected time: they pace the writer, they date nothing.
        _outcomeFlush = new Timer(static state => ((AuditWriter)state!).FlushOutcomes(), this, Timeout.Infinite, Timeout.Infinite);
        var tick = TimeSpan.FromSeconds(options.CheckpointSeconds);
        _idleTick = new Timer(static state => ((AuditWriter)state!)._queue.Writer.TryWrite(PendingWrite.Tick), this, tick, tick);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Whether the last commit failed (its records refused); cleared by the next one that succeeds.</summary>
    public bool LastWriteFailed => _lastWriteFailed;

    private volatile bool _lastWriteFailed;

    public Task<long> AppendAsync(AuditEntry entry)
    {
        if (_loop.IsCompleted)
        {
            // A writer that stopped would leave the call waiting forever: refuse it instead.
            return Task.FromException<long>(new InvalidOperationException("The audit writer has stopped; the call is refused rather than left unrecorded."));
        }

        var pending = PendingWrite.Decision(WellFormedText.Of(entry));
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromException<long>(new AuditQueueFullException(_options.QueueCapacity));
    }

    /// <summary>
    /// Queues a call's outcome; the task ends when it is committed. Nothing on the data path waits for it, so it
    /// costs no thread hop: its continuations run on the writer's thread and must be light (the gateway's only logs a failure).
    /// An outcome does not wake the writer: it joins the commit of the next decision, or, if none comes within
    /// <see cref="OutcomeLinger"/>, a timer's. A lone caller would otherwise pay a second wake-up of the writer per call.
    /// </summary>
    public Task CompleteAsync(long id, AuditCompletion completion)
    {
        if (_loop.IsCompleted)
        {
            return Task.FromException(new InvalidOperationException("The audit writer has stopped; the outcome is not recorded."));
        }

        var pending = PendingWrite.Outcome(id, WellFormedText.Of(completion));
        if (Volatile.Read(ref _outcomesWaiting) >= _options.BatchSize)
        {
            // Outcomes outrunning decisions (a burst of slow calls ending together): through the queue, as decisions go.
            return _queue.Writer.TryWrite(pending) ? pending.Done.Task : WaitForRoomAsync(pending);
        }

        Interlocked.Increment(ref _outcomesWaiting);
        _outcomes.Enqueue(pending);
        if (Interlocked.Exchange(ref _outcomeFlushArmed, 1) == 0)
        {
            _outcomeFlush.Change(OutcomeLinger, Timeout.InfiniteTimeSpan);
        }

        return pending.Done.Task;
    }

    private void FlushOutcomes()
    {
        if (!_outcomes.IsEmpty && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastDrain)) < OutcomeLinger)
        {
            // The writer is taking records: these outcomes will likely go with the next decision.
            _outcomeFlush.Change(OutcomeLinger, Timeout.InfiniteTimeSpan);
            return;
        }

        // Disarmed before looking again, so an outcome queued after the look arms the timer anew.
        Interlocked.Exchange(ref _outcomeFlushArmed, 0);
        if (!_outcomes.IsEmpty)
        {
            // A full queue means the writer is busy and takes the outcomes with its next batch anyway.
            _queue.Writer.TryWrite(PendingWrite.Flush);
        }
    }

    private async Task WaitForRoomAsync(PendingWrite pending)
    {
        // The decision is already durable: a completion may wait for room rather than be lost.
        await _queue.Writer.WriteAsync(pending);
        await pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_options.BatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            var ticked = Drain(batch);
            if (batch.Count > 0)
            {
                await WriteAsync(batch);
                batch.Clear();
            }
            else if (ticked)
            {
                // The checkpoint period's tick, with nothing to write: seal what was written since the last checkpoint.
                await TryCheckpointAsync();
            }
        }

        // Stopping: the outcomes still waiting beside the closed queue.
        while (true)
        {
            Drain(batch);
            if (batch.Count == 0)
            {
                break;
            }

            await WriteAsync(batch);
            batch.Clear();
        }

        await TryCheckpointAsync();
    }

    /// <summary>Takes waiting outcomes, then queued records, up to a batch; says whether the idle tick was among them.</summary>
    private bool Drain(List<PendingWrite> batch)
    {
        var ticked = false;
        Volatile.Write(ref _lastDrain, Stopwatch.GetTimestamp());
        while (batch.Count < _options.BatchSize && _outcomes.TryDequeue(out var outcome))
        {
            Interlocked.Decrement(ref _outcomesWaiting);
            batch.Add(outcome);
        }

        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var item))
        {
            if (item == PendingWrite.Tick)
            {
                ticked = true;
            }
            else if (item != PendingWrite.Flush)
            {
                batch.Add(item);
            }
        }

        return ticked;
    }

    private async Task WriteAsync(List<PendingWrite> batch)
    {
        AuditMetrics.QueueDepth.Set(_queue.Reader.Count);
        Exception? failure = null;
        using (AuditMetrics.TimeCommit())
        {
            try
            {
                try
                {
                    await CommitAsync(batch);
                }
                catch (Exception) when (_connection.WasUsedBefore && _connection.IsBroken)
                {
                    // A kept connection may have died while idle (a database restart): one more try on a new one.
                    await _connection.ResetAsync();
                    await CommitAsync(batch);
                }
            }
            catch (Exception e)
            {
                failure = e;
                AuditMetrics.WriteFailures.Inc();
                await _connection.ResetAsync();
            }
        }

        _lastWriteFailed = failure is not null;
        // After the commit's timing: a caller may resume on this thread.
        Release(batch, failure);
    }

    /// <summary>
    /// Ends each record's wait. A decision's caller resumes its call: when a batch holds several, each resumes on a
    /// thread of the pool, so that the writer goes on writing; a batch's only decision, with nothing else queued,
    /// resumes on the writer's own thread (until its call next waits), which spares a lone caller a hand-off to
    /// another thread and the pool's spinning that each hand-off costs.
    /// </summary>
    private void Release(List<PendingWrite> batch, Exception? failure)
    {
        PendingWrite? inline = null;
        var decisions = batch.Count(static item => item.Entry is not null);
        foreach (var item in batch)
        {
            if (item.Entry is null)
            {
                item.Complete(failure);
            }
            else if (decisions == 1 && _queue.Reader.Count == 0)
            {
                inline = item;
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.item.Complete(state.failure), (item, failure), preferLocal: false);
            }
        }

        inline?.Complete(failure);
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        if (!_schemaReady)
        {
            await _database.EnsureSchemaAsync(CancellationToken.None);
            _schemaReady = true;
        }

        var connection = await _connection.OpenAsync();
        await using var transaction = await _database.BeginAppendAsync(connection, CancellationToken.None);
        var (tail, nextId, sessionsVersion) = await ReadTailAsync(connection, transaction, batch.Count(i => i.Entry is not null));
        if (sessionsVersion is { } version)
        {
            _sessions!.Raise(version);
            await RefuseRevokedAsync(connection, transaction, batch, version);
        }

        var statements = new List<Statement>(batch.Count + 2);
        var logged = new CommitRecord(batch.Count, batch.Sum(static item => item.Json.Body.Length));
        foreach (var item in batch)
        {
            if (item.Entry is not null)
            {
                item.Id = nextId++;
                statements.Add(Insert(item));
                logged.AddCall(item.Id, item.Json.Body);
            }
            else
            {
                item.Id = item.CompletesId;
                statements.Add(Update(item));
                logged.AddOutcome(item.Id, item.Json.Body);
            }
        }

        tail = Chain(statements, tail, logged);

        var due = tail.Seq - tail.CheckpointSeq >= _options.CheckpointEvery || _time.GetUtcNow() - _checkpointAt >= TimeSpan.FromSeconds(_options.CheckpointSeconds);
        var checkpoint = due ? Sign(tail) : null;
        if (checkpoint is not null)
        {
            statements.Add(Store(checkpoint));
        }

        // One round trip for the whole batch where the database takes batches (PostgreSQL); in-process SQLite runs them in turn.
        await _connection.ExecuteAsync(transaction, statements);
        await transaction.CommitAsync();
        if (checkpoint is not null)
        {
            _checkpointAt = _time.GetUtcNow();
            _witness?.Publish(checkpoint);
        }
    }

    private static Statement Insert(PendingWrite item)
    {
        var entry = item.Entry!;
        return new("""
            INSERT INTO audit (id, request_id, time, principal, session_id, access_key_id, connection, service, operation, resources,
                               decision, reason, client_ip, upstream_status, latency_ms, action, region, parameters,
                               method, path, user_agent, headers, request_body, upstream_request_id, timings, normalized_path)
            VALUES (@id, @rid, @time, @principal, @session, @ak, @conn, @service, @op, @resources, @decision, @reason, @ip, @status, @latency,
                    @action, @region, @parameters, @method, @path, @agent, @headers, @body, @upstream, @timings, @normalized)
            """,
            [
                ("@id", item.Id), ("@rid", entry.RequestId), ("@time", StoreTime.Format(entry.Time)), ("@principal", entry.Principal),
                ("@session", entry.SessionId), ("@ak", entry.AccessKeyId), ("@conn", entry.Connection), ("@service", entry.Service), ("@op", entry.Operation),
                ("@resources", string.Join('\n', entry.Resources)), ("@decision", entry.Decision), ("@reason", entry.Reason), ("@ip", entry.ClientIp),
                ("@status", entry.UpstreamStatus), ("@latency", entry.LatencyMs), ("@action", entry.Action), ("@region", entry.Region),
                ("@parameters", item.Json.Parameters), ("@method", entry.Method), ("@path", entry.Path), ("@agent", entry.UserAgent),
                ("@headers", item.Json.Headers), ("@body", entry.RequestBody), ("@upstream", entry.UpstreamRequestId), ("@timings", item.Json.Timings),
                ("@normalized", entry.NormalizedPath),
            ]);
    }

    private Statement Update(PendingWrite item)
    {
        var completion = item.Completion!;
        return new("""
            UPDATE audit SET upstream_status = @status, latency_ms = @latency, reason = COALESCE(@reason, reason), completed_at = @now,
                             masked = @masked, response = @response, upstream_request_id = @upstream, timings = @timings
            WHERE id = @id
            """,
            [
                ("@id", item.CompletesId), ("@status", completion.UpstreamStatus), ("@latency", completion.LatencyMs), ("@reason", completion.Failure),
                ("@now", StoreTime.Format(_time.GetUtcNow())), ("@masked", completion.Masked.Count == 0 ? null : string.Join('\n', completion.Masked)),
                ("@response", completion.Response is { } response ? new Utf8Text(response) : null), ("@upstream", completion.UpstreamRequestId), ("@timings", item.Json.Timings),
            ]);
    }

    /// <summary>The commit's one log record, chained to the tail.</summary>
    private ChainTail Chain(List<Statement> statements, ChainTail tail, CommitRecord record)
    {
        var seq = tail.Seq + 1;
        var time = StoreTime.Format(_time.GetUtcNow());
        var body = record.Finish();
        var hash = ChainHash.Compute(tail.Hash, seq, record.Kind, time, body.Span);
        statements.Add(new("""
            INSERT INTO audit_log (seq, time, kind, record_id, body, prev_hash, hash) VALUES (@seq, @time, @kind, @record, @body, @prev, @hash)
            """,
            [("@seq", seq), ("@time", time), ("@kind", record.Kind), ("@record", record.RecordId), ("@body", new Utf8Text(body)), ("@prev", tail.Hash), ("@hash", hash)]));
        return tail with { Seq = seq, Hash = hash };
    }

    private async Task TryCheckpointAsync()
    {
        try
        {
            var connection = await _connection.OpenAsync();
            await using var transaction = await _database.BeginAppendAsync(connection, CancellationToken.None);
            var (tail, _, _) = await ReadTailAsync(connection, transaction, 0);
            if (tail.Seq > tail.CheckpointSeq)
            {
                var checkpoint = Sign(tail);
                await _connection.ExecuteAsync(transaction, [Store(checkpoint)]);
                await transaction.CommitAsync();
                _witness?.Publish(checkpoint);
            }

            _checkpointAt = _time.GetUtcNow();
        }
        catch (Exception)
        {
            // The next batch or tick tries again; records stay chained meanwhile.
            await _connection.ResetAsync();
        }
    }

    private Checkpoint Sign(ChainTail tail) => _key.Sign(tail.Seq, tail.Hash, StoreTime.Format(_time.GetUtcNow()));

    private static Statement Store(Checkpoint checkpoint)
    {
        return new("""
            INSERT INTO audit_checkpoints (seq, hash, time, key_id, signature) VALUES (@seq, @hash, @time, @key, @signature)
            ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, time = excluded.time, key_id = excluded.key_id, signature = excluded.signature
            """,
            [("@seq", checkpoint.Seq), ("@hash", checkpoint.Hash), ("@time", checkpoint.Time), ("@key", checkpoint.KeyId), ("@signature", checkpoint.Signature)]);
    }

    /// <summary>
    /// The chain's last record and last checkpoint, read under the append lock, the first of <paramref name="inserts"/>
    /// reserved row ids, and the sessions' change counter where the writer checks sessions.
    /// </summary>
    private async Task<(ChainTail Tail, long FirstId, long? SessionsVersion)> ReadTailAsync(DbConnection connection, DbTransaction transaction, int inserts)
    {
        await using var command = connection.Command(transaction, $"""
            SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
                   (SELECT seq FROM audit_checkpoints ORDER BY seq DESC LIMIT 1), {_database.ReserveIds("@inserts")},
                   {(_sessions is null ? "NULL" : "(SELECT n FROM sessions_version)")}
            """, ("@inserts", (long)inserts));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var tail = new ChainTail(
            reader.IsDBNull(0) ? 0 : reader.GetInt64(0),
            reader.IsDBNull(1) ? ChainHash.Genesis : reader.GetString(1),
            reader.IsDBNull(2) ? 0 : reader.GetInt64(2));
        return (tail, reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
    }

    /// <summary>
    /// Decisions to run a call whose session was read at another change counter than the one read now, under the write
    /// lock: each such session is read again, and a call whose session was revoked (or removed) since is recorded as
    /// refused instead, in this same commit, and its caller told so (<see cref="SessionRevokedException"/>).
    /// </summary>
    private static async Task RefuseRevokedAsync(DbConnection connection, DbTransaction transaction, List<PendingWrite> batch, long version)
    {
        Dictionary<string, bool>? revoked = null;
        foreach (var item in batch)
        {
            if (item.Entry is not { SessionId: { } id, SessionsVersion: { } readAt } entry || readAt == version || entry.Decision != AllowWire)
            {
                continue;
            }

            revoked ??= new(StringComparer.Ordinal);
            if (!revoked.TryGetValue(id, out var ended))
            {
                await using var read = connection.Command(transaction, "SELECT revoked_at FROM sessions WHERE id = @id", ("@id", id));
                // No row at all (removed) ends the session too.
                ended = await read.ExecuteScalarAsync() is not DBNull;
                revoked[id] = ended;
            }

            if (ended)
            {
                item.RefuseAsRevoked();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _idleTick.DisposeAsync();
        await _outcomeFlush.DisposeAsync();
        _queue.Writer.TryComplete();
        await _loop;
        if (_witness is not null)
        {
            await _witness.FlushAsync(TimeSpan.FromSeconds(5));
        }
        await _connection.DisposeAsync();
    }

    /// <summary>
    /// One record on its way to the store. Its JSON is written by the caller, on the caller's thread, so the single
    /// writer only chains and stores: under load the writer is what every call waits for.
    /// </summary>
    private sealed class PendingWrite
    {
        private PendingWrite(AuditEntry? entry, AuditCompletion? completion, long completesId, RecordJson json)
        {
            Entry = entry;
            Completion = completion;
            CompletesId = completesId;
            Json = json;
            // Continuations run where the writer completes the task (Release says where that is).
            Done = new();
        }

        public void Complete(Exception? failure)
        {
            if (failure is null && Revoked is { } refusal)
            {
                Done.TrySetException(new SessionRevokedException(refusal));
            }
            else if (failure is null)
            {
                Done.TrySetResult(Id);
            }
            else
            {
                Done.TrySetException(failure);
            }
        }

        public AuditEntry? Entry { get; private set; }
        public AuditCompletion? Completion { get; }
        public long CompletesId { get; }
        public RecordJson Json { get; private set; }

        /// <summary>Why the call, decided to run, was recorded as refused instead (its session revoked); null otherwise.</summary>
        public string? Revoked { get; private set; }

        public void RefuseAsRevoked()
        {
            var entry = Entry!;
            Revoked = Session.RevokedMessage(entry.SessionId!);
            // Worded as the gateway records a revoked session found at verify.
            Entry = entry with { Decision = CallDecision.Refuse.Wire(), Reason = AwsError.InvalidClientTokenId(Revoked).RecordedReason };
            Json = DecisionJson(Entry);
        }
        public long Id { get; set; }
        public TaskCompletionSource<long> Done { get; }

        /// <summary>Wakes the writer for outcomes that no decision came to take.</summary>
        public static readonly PendingWrite Flush = new(null, null, 0, new RecordJson([], null, null, null));

        /// <summary>Wakes the writer every checkpoint period, so a quiet gateway still seals its last records.</summary>
        public static readonly PendingWrite Tick = new(null, null, 0, new RecordJson([], null, null, null));

        // The recorded bodies are the largest part of a record: the row holds them, the log only their hashes.
        public static PendingWrite Decision(AuditEntry entry) => new(entry, null, 0, DecisionJson(entry));

        private static RecordJson DecisionJson(AuditEntry entry) => new(
            JsonSerializer.SerializeToUtf8Bytes(entry.RequestBody is { } body ? entry with { Id = 0, RequestBody = null, RequestBodySha256 = ChainHash.OfText(body) } : entry with { Id = 0 },
                AuditJson.Default.AuditEntry),
            AuditJson.OrNull(entry.Parameters), AuditJson.OrNull(entry.Headers), AuditJson.OrNull(entry.Timings));

        public static PendingWrite Outcome(long id, AuditCompletion completion) => new(null, completion, id, new RecordJson(
            JsonSerializer.SerializeToUtf8Bytes(completion.Response is { } response ? completion with { ResponseSha256 = Sha256Hex.Of(response) } : completion,
                AuditJson.Default.AuditCompletion),
            null, null, AuditJson.OrNull(completion.Timings)));
    }

    /// <summary>A record's JSON as the store keeps it: the log's body in UTF-8 (a decision's with id 0, the id being known only at commit).</summary>
    private sealed record RecordJson(byte[] Body, string? Parameters, string? Headers, string? Timings);

    private readonly record struct ChainTail(long Seq, string Hash, long CheckpointSeq);
}
