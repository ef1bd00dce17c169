using System.Data.Common;
using System.Text.Json;
using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Audit.Chain;

/// <summary>What a check of the audit log found: the first problem is the place to look.</summary>
internal sealed record VerifyReport(long Records, int Checkpoints, long LastCheckpoint, long UnchainedRows, IReadOnlyList<string> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Checks the whole audit log: every record's hash and link to the one before, every checkpoint's signature and
/// that the log still reaches it, and that the <c>audit</c> table (what <c>tail</c> and searches read) says what
/// the log says. Names the records that were modified, deleted, inserted or reordered, and a cut tail.
/// </summary>
internal static class AuditVerifier
{
    private const int MaxProblems = 50;

    /// <param name="witnessed">Checkpoints a witness outside the store saw (<c>audit.witness</c>): the store must still hold each, and reach it.</param>
    public static async Task<VerifyReport> VerifyAsync(
        IAuditDatabase database, byte[] publicKey, CancellationToken cancellationToken = default, IReadOnlyList<Checkpoint>? witnessed = null)
    {
        var problems = new List<string>();
        var expected = new Dictionary<long, AuditEntry>();
        var responseHashes = new Dictionary<long, string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        // One snapshot for every read: a gateway writing meanwhile must not look like tampering.
        await using var snapshot = await database.BeginSnapshotAsync(connection, cancellationToken);

        long records = 0, lastSeq = 0;
        var hashes = new Dictionary<long, string>();
        var previous = ChainHash.Genesis;
        var checkpoints = await ReadCheckpointsAsync(snapshot, cancellationToken);
        await using (var command = connection.Command(snapshot, "SELECT seq, time, kind, record_id, body, prev_hash, hash FROM audit_log ORDER BY seq"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                records++;
                var (seq, time, kind, recordId, body, prev, hash) =
                    (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetString(6));
                if (records == 1 && seq > 1 && checkpoints.FirstOrDefault(c => c.Seq == seq - 1) is { } anchor && IsSigned(anchor, publicKey))
                {
                    // Records up to a signed checkpoint were pruned: the chain goes on from the hash it vouches for.
                    previous = anchor.Hash;
                    lastSeq = seq - 1;
                    hashes[anchor.Seq] = anchor.Hash;
                }

                if (seq != lastSeq + 1)
                {
                    Add(problems, $"records {lastSeq + 1}..{seq - 1} are missing: deleted from the log");
                }
                else if (prev != previous)
                {
                    Add(problems, $"record {seq} does not follow record {lastSeq}: a record was inserted, removed or moved here");
                }

                var rows = Project(expected, responseHashes, kind, recordId, body);
                if (ChainHash.Compute(prev, seq, kind, time, body) != hash)
                {
                    Add(problems, $"record {seq} ({Describe(rows, recordId)}) was modified: its content no longer matches its hash");
                }

                if (rows is null)
                {
                    Add(problems, $"record {seq} does not hold a readable record");
                }

                hashes[seq] = hash;
                previous = hash;
                lastSeq = seq;
            }
        }

        var firstSeq = hashes.Count == 0 ? 1 : hashes.Keys.Min();
        var lastCheckpoint = CheckCheckpoints(checkpoints, publicKey, hashes, firstSeq, lastSeq, problems);
        if (witnessed is not null)
        {
            CheckWitness(witnessed, checkpoints, publicKey, hashes, firstSeq, lastSeq, problems);
        }

        var unchained = await CheckTableAsync(snapshot, expected, responseHashes, problems, cancellationToken);
        return new VerifyReport(records, checkpoints.Count, lastCheckpoint, unchained, problems);
    }

    private static async Task<List<Checkpoint>> ReadCheckpointsAsync(DbTransaction snapshot, CancellationToken cancellationToken)
    {
        await using var command = snapshot.Connection!.Command(snapshot, "SELECT seq, hash, time, key_id, signature FROM audit_checkpoints ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<Checkpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new Checkpoint(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return checkpoints;
    }

    private static long CheckCheckpoints(List<Checkpoint> checkpoints, byte[] publicKey, Dictionary<long, string> hashes, long firstSeq, long lastSeq, List<string> problems)
    {
        long last = 0;
        foreach (var checkpoint in checkpoints)
        {
            last = checkpoint.Seq;
            if (!IsSigned(checkpoint, publicKey))
            {
                Add(problems, $"checkpoint at record {checkpoint.Seq} is not signed by this gateway's key: forged or altered");
            }
            else if (checkpoint.Seq > lastSeq)
            {
                Add(problems, $"the log ends at record {lastSeq} but a signed checkpoint covers {checkpoint.Seq}: records {lastSeq + 1}..{checkpoint.Seq} were cut off");
            }
            else if (checkpoint.Seq >= firstSeq && (!hashes.TryGetValue(checkpoint.Seq, out var hash) || hash != checkpoint.Hash))
            {
                Add(problems, $"record {checkpoint.Seq} is not what its signed checkpoint saw: the log up to it was rewritten");
            }
        }

        return last;
    }

    /// <summary>
    /// What the store must still show of each checkpoint a witness saw: the checkpoint itself, and the record it
    /// vouches for with the same hash. Checkpoints before what retention kept are not looked for.
    /// </summary>
    private static void CheckWitness(IReadOnlyList<Checkpoint> witnessed, List<Checkpoint> stored, byte[] publicKey, Dictionary<long, string> hashes,
        long firstSeq, long lastSeq, List<string> problems)
    {
        var kept = stored.Select(c => c.Seq).ToHashSet();
        foreach (var checkpoint in witnessed)
        {
            if (!IsSigned(checkpoint, publicKey))
            {
                Add(problems, $"the witness holds a checkpoint at record {checkpoint.Seq} not signed by this gateway's key: the witness is not this gateway's");
            }
            else if (checkpoint.Seq > lastSeq)
            {
                Add(problems, $"the log ends at record {lastSeq} but the witness saw a signed checkpoint at record {checkpoint.Seq}: records {lastSeq + 1}..{checkpoint.Seq} were cut off");
            }
            else if (checkpoint.Seq < firstSeq - 1)
            {
                continue;
            }
            else if (hashes.TryGetValue(checkpoint.Seq, out var hash) && hash != checkpoint.Hash)
            {
                Add(problems, $"record {checkpoint.Seq} is not what the witnessed checkpoint saw: the log up to it was rewritten");
            }
            else if (!kept.Contains(checkpoint.Seq))
            {
                Add(problems, $"the checkpoint at record {checkpoint.Seq} that the witness saw is missing from the store: deleted");
            }
        }
    }

    private static bool IsSigned(Checkpoint checkpoint, byte[] publicKey)
    {
        try
        {
            return checkpoint.IsSignedBy(publicKey);
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// What each <c>audit</c> row must hold, rebuilt from one log record: a decision, an outcome, or a commit's
    /// <c>batch</c> of them (<see cref="CommitRecord"/>). Says which rows the record is about, or null if it cannot be read.
    /// </summary>
    private static List<long>? Project(
        Dictionary<long, AuditEntry> expected, Dictionary<long, string> responseHashes, string kind, long recordId, string body)
    {
        var rows = new List<long>();
        try
        {
            if (kind != CommitRecord.Batch)
            {
                ProjectOne(expected, responseHashes, kind, recordId, body);
                rows.Add(recordId);
                return rows;
            }

            using var batch = JsonDocument.Parse(body);
            foreach (var record in batch.RootElement.EnumerateArray())
            {
                var id = record.GetProperty("id").GetInt64();
                ProjectOne(expected, responseHashes, record.GetProperty("kind").GetString(), id, record.GetProperty("record").GetRawText());
                rows.Add(id);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }

        return rows;
    }

    private static void ProjectOne(Dictionary<long, AuditEntry> expected, Dictionary<long, string> responseHashes, string? kind, long recordId, string body)
    {
        if (kind == CommitRecord.Call)
        {
            expected[recordId] = JsonSerializer.Deserialize<AuditEntry>(body)!;
        }
        else if (expected.TryGetValue(recordId, out var entry))
        {
            var completion = JsonSerializer.Deserialize<AuditCompletion>(body)!;
            if (completion.ResponseSha256 is { } responseHash)
            {
                // The entry has no place for it: AuditEntry's Response is the row's text.
                responseHashes[recordId] = responseHash;
            }

            expected[recordId] = entry with
            {
                UpstreamStatus = completion.UpstreamStatus,
                LatencyMs = completion.LatencyMs,
                Reason = completion.Failure ?? entry.Reason,
                Masked = completion.Masked,
                Response = completion.InlineResponse,
                UpstreamRequestId = completion.UpstreamRequestId,
                Timings = completion.Timings,
            };
        }
    }

    /// <summary>"audit row 5", or "audit rows 3, 5, 6" for a batch (its own record id where it could not be read).</summary>
    private static string Describe(List<long>? rows, long recordId) => (rows ?? []).Distinct().Order().ToList() switch
    {
        [] => $"audit row {recordId}",
        [var one] => $"audit row {one}",
        var many => $"audit rows {string.Join(", ", many)}",
    };

    private static async Task<long> CheckTableAsync(
        DbTransaction snapshot, Dictionary<long, AuditEntry> expected, Dictionary<long, string> responseHashes, List<string> problems, CancellationToken cancellationToken)
    {
        var firstChained = expected.Count == 0 ? long.MaxValue : expected.Keys.Min();
        var seen = new HashSet<long>();
        long unchained = 0;
        foreach (var row in await AuditStore.ReadAllAsync(snapshot, cancellationToken))
        {
            if (!expected.TryGetValue(row.Id, out var entry))
            {
                if (row.Id < firstChained)
                {
                    // Written by an Airlock from before the chain: kept, but nothing vouches for it.
                    unchained++;
                }
                else
                {
                    Add(problems, $"audit row {row.Id} ({row.RequestId}) is not in the log: inserted");
                }

                continue;
            }

            seen.Add(row.Id);
            // Records written before bodies were hashed hold their text, and are compared as text.
            var logged = entry with
            {
                RequestBody = entry.RequestBodySha256 is { } requestHash ? Matching(row.RequestBody, requestHash) : entry.RequestBody,
                Response = responseHashes.TryGetValue(row.Id, out var responseHash) ? Matching(row.Response, responseHash) : entry.Response,
            };
            if (Difference(row, logged) is { } field)
            {
                Add(problems, $"audit row {row.Id} ({row.RequestId}) differs from its log record in {field}: modified");
            }
        }

        foreach (var id in expected.Keys.Where(id => !seen.Contains(id)).Order())
        {
            Add(problems, $"audit row {id} ({expected[id].RequestId}) is in the log but not in the audit table: deleted");
        }

        return unchained;
    }

    /// <summary>Where the log holds only a body's hash, the row's text must be there and still hash to it.</summary>
    private static string Matching(string? text, string hash) => text is not null && ChainHash.OfText(text) == hash ? text : $"(a text whose SHA-256 is {hash})";

    private static string? Difference(AuditEntry row, AuditEntry log)
    {
        (string Name, object? Row, object? Log)[] fields =
        [
            ("request_id", row.RequestId, log.RequestId), ("time", StoreTime.Format(row.Time), StoreTime.Format(log.Time)),
            ("principal", row.Principal, log.Principal), ("session_id", row.SessionId, log.SessionId), ("access_key_id", row.AccessKeyId, log.AccessKeyId),
            ("connection", row.Connection, log.Connection), ("service", row.Service, log.Service), ("operation", row.Operation, log.Operation),
            ("action", row.Action, log.Action), ("region", row.Region, log.Region), ("decision", row.Decision, log.Decision), ("reason", row.Reason, log.Reason),
            ("client_ip", row.ClientIp, log.ClientIp), ("upstream_status", row.UpstreamStatus, log.UpstreamStatus), ("latency_ms", row.LatencyMs, log.LatencyMs),
            ("resources", string.Join('\n', row.Resources), string.Join('\n', log.Resources)),
            ("parameters", JsonSerializer.Serialize(row.Parameters), JsonSerializer.Serialize(log.Parameters)),
            ("masked", string.Join('\n', row.Masked), string.Join('\n', log.Masked)), ("response", row.Response, log.Response),
            ("method", row.Method, log.Method), ("path", row.Path, log.Path), ("normalized_path", row.NormalizedPath, log.NormalizedPath),
            ("user_agent", row.UserAgent, log.UserAgent),
            ("headers", JsonSerializer.Serialize(row.Headers), JsonSerializer.Serialize(log.Headers)), ("request_body", row.RequestBody, log.RequestBody),
            ("upstream_request_id", row.UpstreamRequestId, log.UpstreamRequestId),
            ("timings", JsonSerializer.Serialize(row.Timings), JsonSerializer.Serialize(log.Timings)),
        ];
        return fields.FirstOrDefault(f => !Equals(f.Row, f.Log)).Name;
    }

    private static void Add(List<string> problems, string problem)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Add(problem);
        }
    }
}
