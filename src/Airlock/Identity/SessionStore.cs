using System.Data.Common;
using Airlock.Aws.SigV4;
using Airlock.Storage;

namespace Airlock.Identity;

/// <summary>Sessions in the node's store, or the store every node shares.</summary>
internal sealed class SessionStore : ISessionStore, IDisposable
{
    private const string Columns =
        "id, access_key_id, secret_access_key, session_token_hash, subject, issuer, groups, connection, created_at, expires_at, revoked_at";

    private readonly IStateDatabase _database;
    private readonly SecretSeal _seal;
    private readonly IHotQuery _version;
    private readonly IHotQuery _byAccessKey;
    private readonly Func<DbDataReader, StoredSession?> _readOne;
    private readonly SessionCache _cache = new();

    private readonly SessionsVersionWatch? _watch;

    /// <param name="seal">Seals each session's secret key in the store, bound to the session's id.</param>
    /// <param name="watch">The change counter as the audit writer reads it in its commits, when it checks each decision's session there.</param>
    public SessionStore(IStateDatabase database, SecretSeal seal, SessionsVersionWatch? watch = null)
    {
        _database = database;
        _seal = seal;
        _watch = watch;
        _version = database.Hot("SELECT n FROM sessions_version");
        _byAccessKey = database.Hot($"SELECT {Columns} FROM sessions WHERE access_key_id = @key");
        _readOne = r => r.Read() ? Read(r) : null;
    }

    public async Task CreateAsync(Session session, CancellationToken cancellationToken, IssuedFrom? from = null)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO sessions ({Columns}, token_hash, token_expires_at) VALUES (@id, @ak, @sk, @th, @sub, @iss, @groups, @conn, @created, @expires, NULL, @token, @tokenExpires)";
        command.Add("@token", (object?)from?.TokenHash ?? DBNull.Value);
        command.Add("@tokenExpires", from is null ? DBNull.Value : StoreTime.Format(from.TokenExpiresAt));
        command.Add("@id", session.Id);
        command.Add("@ak", session.AccessKeyId);
        command.Add("@sk", _seal.Seal(session.SecretAccessKey, session.Id));
        command.Add("@th", SigV4Primitives.Sha256Hex(session.SessionToken));
        command.Add("@sub", session.Subject);
        command.Add("@iss", session.Issuer);
        command.Add("@groups", string.Join('\n', session.Groups));
        command.Add("@conn", session.Connection);
        command.Add("@created", StoreTime.Format(session.CreatedAt));
        command.Add("@expires", StoreTime.Format(session.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.CountAsync("SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > @now", now, cancellationToken);

    /// <summary>
    /// Seals the secrets a store from before sealing kept in plain text (still read as they are until then), so that
    /// after the upgrade the store alone lets no one sign as a session. Returns how many it sealed.
    /// </summary>
    public async Task<int> SealPlainSecretsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var plain = new List<(string Id, string Secret)>();
        await using (var read = connection.Command(null, "SELECT id, secret_access_key FROM sessions WHERE secret_access_key NOT LIKE 'sealed:%'"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plain.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (id, secret) in plain)
        {
            // Only if still the plain value: another node may have sealed it meanwhile.
            await using var seal = connection.Command(null, "UPDATE sessions SET secret_access_key = @sealed WHERE id = @id AND secret_access_key = @plain",
                ("@sealed", _seal.Seal(secret, id)), ("@id", id), ("@plain", secret));
            await seal.ExecuteNonQueryAsync(cancellationToken);
        }

        return plain.Count;
    }

    /// <summary>
    /// Every call asks this. While the audit writer tells the change counter (<see cref="SessionsVersionWatch"/>), a
    /// session cached for that counter is returned without a read: the writer checks the session again in the commit of
    /// the call's decision. Otherwise one prepared one-row read of the counter, and the session row only when it moved.
    /// A session is returned with the counter it is current for.
    /// </summary>
    public ValueTask<StoredSession?> FindByAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken) =>
        _watch?.Seen is >= 0 and var seen && _cache.Find(accessKeyId, seen) is { } current
            ? ValueTask.FromResult<StoredSession?>(current)
            : ReadAsync(accessKeyId, cancellationToken);

    private async ValueTask<StoredSession?> ReadAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        // The counter before the row: a change between the two reads leaves the row newer than its counter, never older.
        var version = await _version.RunAsync(null, static r => r.Read() ? r.GetInt64(0) : 0, cancellationToken);
        if (_cache.Find(accessKeyId, version) is { } cached)
        {
            return cached;
        }

        var found = await _byAccessKey.RunAsync(accessKeyId, _readOne, cancellationToken);
        if (found is not null)
        {
            found = found with { SessionsVersion = version };
            _cache.Keep(accessKeyId, found);
        }

        return found;
    }

    /// <summary>A session, ended or not, by its id or its access key id.</summary>
    public Task<StoredSession?> FindAsync(string idOrAccessKey, CancellationToken cancellationToken) =>
        FindOneAsync("id = @key OR access_key_id = @key", idOrAccessKey, cancellationToken);

    private async Task<StoredSession?> FindOneAsync(string where, string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sessions WHERE {where}";
        command.Add("@key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<StoredSession>> ListAsync(bool includeEnded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = includeEnded
            ? $"SELECT {Columns} FROM sessions ORDER BY created_at"
            : $"SELECT {Columns} FROM sessions WHERE revoked_at IS NULL AND expires_at > @now ORDER BY created_at";
        command.Add("@now", StoreTime.Format(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<StoredSession>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(Read(reader));
        }

        return sessions;
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        await RevokeAsync("""
            INSERT INTO revocations (kind, value, until, revoked_at)
                SELECT 'token', token_hash, token_expires_at, @at FROM sessions
                WHERE (id = @id OR access_key_id = @id) AND revoked_at IS NULL AND token_hash IS NOT NULL
            ON CONFLICT (kind, value) DO UPDATE SET until = excluded.until, revoked_at = excluded.revoked_at
            """,
            "UPDATE sessions SET revoked_at = @at WHERE (id = @id OR access_key_id = @id) AND revoked_at IS NULL",
            [("@id", id), ("@at", StoreTime.Format(at))], cancellationToken) > 0;

    public Task<int> RevokeSubjectAsync(string subject, DateTimeOffset until, DateTimeOffset at, CancellationToken cancellationToken) =>
        RevokeAsync("""
            INSERT INTO revocations (kind, value, until, revoked_at) VALUES ('subject', @subject, @until, @at)
            ON CONFLICT (kind, value) DO UPDATE SET until = excluded.until, revoked_at = excluded.revoked_at
            """,
            "UPDATE sessions SET revoked_at = @at WHERE subject = @subject AND revoked_at IS NULL AND expires_at > @at",
            [("@subject", subject), ("@until", StoreTime.Format(until)), ("@at", StoreTime.Format(at))], cancellationToken);

    /// <summary>Records a revocation and ends the sessions it covers, in one transaction; how many sessions it ended.</summary>
    private async Task<int> RevokeAsync(string revocation, string endSessions, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var record = connection.Command(transaction, revocation, parameters))
        {
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var end = connection.Command(transaction, endSessions, parameters);
        var ended = await end.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Telemetry.StateMetrics.SessionsRevoked.Inc(ended);
        return ended;
    }

    public async Task<DateTimeOffset?> RevokedUntilAsync(string subject, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT max(until) FROM revocations
            WHERE ((kind = 'subject' AND value = @subject) OR (kind = 'token' AND value = @token)) AND until > @now
            """;
        command.Add("@subject", subject);
        command.Add("@token", tokenHash);
        command.Add("@now", StoreTime.Format(now));
        return await command.ExecuteScalarAsync(cancellationToken) is string until ? StoreTime.Parse(until) : null;
    }

    public async Task<IReadOnlyList<Session>> UnrecordedEndsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM sessions WHERE end_recorded_at IS NULL AND (revoked_at IS NOT NULL OR expires_at <= @now) ORDER BY expires_at LIMIT 500
            """;
        command.Add("@now", StoreTime.Format(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ended = new List<Session>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ended.Add(Read(reader).Session);
        }

        return ended;
    }

    public async Task MarkEndRecordedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sessions SET end_recorded_at = @at WHERE id = @id";
        command.Add("@id", id);
        command.Add("@at", StoreTime.Format(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private StoredSession Read(DbDataReader r) => new(
        new Session(
            r.GetString(0), r.GetString(1), _seal.Open(r.GetString(2), r.GetString(0)), "", r.GetString(4), r.GetString(5),
            r.GetString(6).Split('\n', StringSplitOptions.RemoveEmptyEntries), r.GetString(7),
            StoreTime.Parse(r.GetString(8)), StoreTime.Parse(r.GetString(9)), r.IsDBNull(10) ? null : StoreTime.Parse(r.GetString(10))),
        r.GetString(3));

    // Fixed-width UTC text keeps string comparison in SQL equal to time comparison.
    public void Dispose()
    {
        _version.Dispose();
        _byAccessKey.Dispose();
    }
}
