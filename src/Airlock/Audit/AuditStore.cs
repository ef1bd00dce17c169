using System.Data.Common;
using Airlock.Audit.Chain;
using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Audit;

/// <summary>
/// The audit trail, in SQLite or PostgreSQL: written through one chained, batching writer (started on the first
/// write, so read-only commands neither start it nor create the signing key), read from the <c>audit</c> table.
/// </summary>
internal sealed class AuditStore(
    IAuditDatabase database, AuditOptions options, string signingKeyFile, TimeProvider time, CheckpointWitness? witness = null, Identity.SessionsVersionWatch? sessions = null)
    : IAuditStore, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private AuditWriter? _writer;

    public IAuditDatabase Database => database;

    /// <summary>The Ed25519 key file that signs checkpoints.</summary>
    public string SigningKeyFile => signingKeyFile;

    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => Writer().AppendAsync(entry);

    public Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken) => Writer().CompleteAsync(id, completion);

    /// <summary>Whether the writer's last commit failed; false before anything was written.</summary>
    public bool LastWriteFailed
    {
        get
        {
            lock (_gate)
            {
                return _writer?.LastWriteFailed ?? false;
            }
        }
    }

    private AuditWriter Writer()
    {
        lock (_gate)
        {
            return _writer ??= new AuditWriter(database, options, AuditSigningKey.LoadOrCreate(SigningKeyFile), time, witness, sessions);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AuditWriter? writer;
        lock (_gate)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            await writer.DisposeAsync();
        }

        (database as IDisposable)?.Dispose();
    }

    public async Task<IReadOnlyList<AuditEntry>> TailAsync(int count, long afterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, $"""
            SELECT * FROM (SELECT {Columns} FROM audit WHERE id > @after ORDER BY id DESC LIMIT @count) newest ORDER BY id
            """, [("@after", afterId), ("@count", count)], cancellationToken);
    }

    /// <summary>The records a query asks for, oldest first, at most its limit, after its <see cref="AuditQuery.AfterId"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string> { "id > @after" };
        var parameters = new List<(string, object?)> { ("@after", query.AfterId), ("@limit", Math.Clamp(query.Limit, 1, 10_000)) };
        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                parameters.Add(($"@{column}", value));
            }
        }

        Equal("principal", query.Subject);
        Equal("session_id", query.Session);
        Equal("connection", query.Connection);
        Equal("service", query.Service);
        Equal("operation", query.Operation);
        Equal("decision", query.Decision);
        if (query.Resource is { } resource)
        {
            where.Add(database.Contains("resources", "@resource"));
            parameters.Add(("@resource", resource));
        }

        if (query.Text is { } text)
        {
            where.Add($"({string.Join(" OR ", new[] { "parameters", "reason", "response" }.Select(c => database.Contains($"coalesce({c}, '')", "@text")))})");
            parameters.Add(("@text", text));
        }

        if (query.Since is { } since)
        {
            where.Add("time >= @since");
            parameters.Add(("@since", StoreTime.Format(since)));
        }

        if (query.Until is { } until)
        {
            where.Add("time < @until");
            parameters.Add(("@until", StoreTime.Format(until)));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, $"SELECT {Columns} FROM audit WHERE {string.Join(" AND ", where)} ORDER BY id LIMIT @limit",
            [.. parameters], cancellationToken);
    }

    /// <summary>Every row of the audit table, oldest first, as the transaction sees them.</summary>
    public static Task<IReadOnlyList<AuditEntry>> ReadAllAsync(DbTransaction snapshot, CancellationToken cancellationToken) =>
        QueryAsync(snapshot.Connection!, snapshot, $"SELECT {Columns} FROM audit ORDER BY id", [], cancellationToken);

    private const string Columns = """
        id, request_id, time, principal, session_id, access_key_id, connection, service, operation, resources,
        decision, reason, client_ip, upstream_status, latency_ms, action, region, parameters, masked, response,
        method, path, user_agent, headers, request_body, upstream_request_id, timings, normalized_path
        """;

    private static async Task<IReadOnlyList<AuditEntry>> QueryAsync(
        DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static AuditEntry Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        RequestId = r.GetString(1),
        Time = StoreTime.Parse(r.GetString(2)),
        Principal = r.IsDBNull(3) ? null : r.GetString(3),
        SessionId = r.IsDBNull(4) ? null : r.GetString(4),
        AccessKeyId = r.IsDBNull(5) ? null : r.GetString(5),
        Connection = r.IsDBNull(6) ? null : r.GetString(6),
        Service = r.IsDBNull(7) ? null : r.GetString(7),
        Operation = r.IsDBNull(8) ? null : r.GetString(8),
        Resources = r.IsDBNull(9) ? [] : r.GetString(9).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        Decision = r.GetString(10),
        Reason = r.IsDBNull(11) ? null : r.GetString(11),
        ClientIp = r.IsDBNull(12) ? null : r.GetString(12),
        UpstreamStatus = r.IsDBNull(13) ? null : r.GetInt32(13),
        LatencyMs = r.IsDBNull(14) ? null : r.GetDouble(14),
        Action = r.IsDBNull(15) ? null : r.GetString(15),
        Region = r.IsDBNull(16) ? null : r.GetString(16),
        Parameters = Map<string>(r, 17),
        Masked = r.IsDBNull(18) ? [] : r.GetString(18).Split('\n'),
        Response = r.IsDBNull(19) ? null : r.GetString(19),
        Method = r.IsDBNull(20) ? null : r.GetString(20),
        Path = r.IsDBNull(21) ? null : r.GetString(21),
        UserAgent = r.IsDBNull(22) ? null : r.GetString(22),
        Headers = Map<string>(r, 23),
        RequestBody = r.IsDBNull(24) ? null : r.GetString(24),
        UpstreamRequestId = r.IsDBNull(25) ? null : r.GetString(25),
        Timings = Map<double>(r, 26),
        NormalizedPath = r.IsDBNull(27) ? null : r.GetString(27),
    };

    private static Dictionary<string, T> Map<T>(DbDataReader r, int column) =>
        r.IsDBNull(column) ? [] : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, T>>(r.GetString(column))!;
}
