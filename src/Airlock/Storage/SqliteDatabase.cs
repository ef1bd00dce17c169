using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Airlock.Storage;

/// <summary>The embedded store: one SQLite file in WAL mode holding sessions and the audit trail.</summary>
internal sealed class SqliteDatabase : IStateDatabase
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteDatabase(string path, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>A file in the store's folder (the default home of the masking and audit keys).</summary>
    public string Beside(string fileName) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, fileName);

    public string Description => Path;

    public string ForUpdate => "";

    public string SkipLocked => "";

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var probe = connection.CreateCommand();
        // Takes the write lock (waiting, as a write would, up to the busy timeout) and gives it back at once.
        probe.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        await probe.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public IHotQuery Hot(string sql) => new KeptQuery(this, sql);

    /// <summary>Runs it: the embedded store has one node.</summary>
    public async Task<bool> RunAloneAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await work(cancellationToken);
        return true;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Creates the schema when missing; idempotent, so every process that opens the store may call it.</summary>
    public void EnsureSchema()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            -- 16 KiB pages (for a new file; an existing one keeps its own): every commit rewrites the last, partly
            -- filled page of each table it appends to, and the audit trail's calls fill fewer, larger pages with
            -- half the write and read system calls of 4 KiB ones.
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS sessions (
                id TEXT PRIMARY KEY,
                access_key_id TEXT NOT NULL UNIQUE,
                secret_access_key TEXT NOT NULL,
                session_token_hash TEXT NOT NULL,
                subject TEXT NOT NULL,
                issuer TEXT NOT NULL,
                groups TEXT NOT NULL,
                connection TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                revoked_at TEXT
            );
            -- Counts every change to an existing session (revocation above all), in this process or any other, so a
            -- gateway may keep sessions in memory and still see a revocation on the very next call.
            CREATE TABLE IF NOT EXISTS sessions_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
            INSERT OR IGNORE INTO sessions_version (id, n) VALUES (1, 0);
            CREATE TRIGGER IF NOT EXISTS sessions_updated AFTER UPDATE ON sessions BEGIN UPDATE sessions_version SET n = n + 1; END;
            CREATE TRIGGER IF NOT EXISTS sessions_deleted AFTER DELETE ON sessions BEGIN UPDATE sessions_version SET n = n + 1; END;
            CREATE TABLE IF NOT EXISTS audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                request_id TEXT NOT NULL,
                time TEXT NOT NULL,
                principal TEXT,
                session_id TEXT,
                access_key_id TEXT,
                connection TEXT,
                service TEXT,
                operation TEXT,
                resources TEXT,
                decision TEXT NOT NULL,
                reason TEXT,
                client_ip TEXT,
                upstream_status INTEGER,
                latency_ms REAL,
                completed_at TEXT
            );
            CREATE INDEX IF NOT EXISTS audit_session ON audit(session_id);
            CREATE TABLE IF NOT EXISTS audit_log (
                seq INTEGER PRIMARY KEY,
                time TEXT NOT NULL,
                kind TEXT NOT NULL,
                record_id INTEGER NOT NULL,
                body TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                seq INTEGER PRIMARY KEY,
                hash TEXT NOT NULL,
                time TEXT NOT NULL,
                key_id TEXT NOT NULL,
                signature TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS approvals (
                id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                status TEXT NOT NULL,
                session_id TEXT NOT NULL,
                requester TEXT NOT NULL,
                connection TEXT NOT NULL,
                action TEXT NOT NULL,
                resources TEXT NOT NULL,
                parameters TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                approver_groups TEXT NOT NULL,
                quorum INTEGER NOT NULL,
                reason TEXT
            );
            CREATE INDEX IF NOT EXISTS approvals_call ON approvals(session_id, fingerprint);
            CREATE TABLE IF NOT EXISTS grants (
                id TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                status TEXT NOT NULL,
                requester TEXT NOT NULL,
                actions TEXT NOT NULL,
                resources TEXT NOT NULL,
                duration_seconds INTEGER NOT NULL,
                reason TEXT,
                decided_by TEXT,
                decision_reason TEXT,
                expires_at TEXT
            );
            CREATE INDEX IF NOT EXISTS grants_requester ON grants(requester, status);
            -- Who may not exchange a token for a session until when: a subject, or one token (by its SHA-256).
            CREATE TABLE IF NOT EXISTS revocations (
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                until TEXT NOT NULL,
                revoked_at TEXT NOT NULL,
                PRIMARY KEY (kind, value)
            );
            CREATE TABLE IF NOT EXISTS approval_votes (
                approval_id TEXT NOT NULL,
                approver TEXT NOT NULL,
                decision TEXT NOT NULL,
                reason TEXT,
                at TEXT NOT NULL,
                PRIMARY KEY (approval_id, approver)
            );
            -- Webhook events waiting to be delivered: a restart delivers what was not.
            CREATE TABLE IF NOT EXISTS webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL,
                event TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                url TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                next_attempt_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_until TEXT,
                delivered_at TEXT,
                gave_up_at TEXT
            );
            CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
            -- The console's data-protection keys (sealed): a restart keeps console sessions.
            CREATE TABLE IF NOT EXISTS console_keys (
                name TEXT PRIMARY KEY,
                sealed_xml TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """;
        RefuseNewerSchema(connection);
        command.ExecuteNonQuery();
        AddMissingColumns(connection, "audit", ("action", "TEXT"), ("region", "TEXT"), ("parameters", "TEXT"), ("masked", "TEXT"), ("response", "TEXT"),
            ("method", "TEXT"), ("path", "TEXT"), ("user_agent", "TEXT"), ("headers", "TEXT"), ("request_body", "TEXT"), ("upstream_request_id", "TEXT"),
            ("timings", "TEXT"), ("normalized_path", "TEXT"));
        AddMissingColumns(connection, "approvals", ("uses_left", "INTEGER NOT NULL DEFAULT 1"));
        AddMissingColumns(connection, "sessions", ("token_hash", "TEXT"), ("token_expires_at", "TEXT"));
        if (AddMissingColumns(connection, "sessions", ("end_recorded_at", "TEXT")) > 0)
        {
            // Sessions that ended before Airlock recorded ends are not reported as ending now.
            using var backfill = connection.CreateCommand();
            backfill.CommandText = "UPDATE sessions SET end_recorded_at = created_at WHERE revoked_at IS NOT NULL OR expires_at <= $now";
            backfill.Parameters.AddWithValue("$now", StoreTime.Format(_time.GetUtcNow()));
            backfill.ExecuteNonQuery();
        }

        using var stamp = connection.CreateCommand();
        stamp.CommandText = $"PRAGMA user_version = {SchemaVersion}";
        stamp.ExecuteNonQuery();
    }

    /// <summary>
    /// The embedded store's schema version, kept in SQLite's <c>user_version</c>. Its changes are additive (tables and
    /// columns created when missing), so any older file upgrades in place; 0 is a file from before versions were kept.
    /// </summary>
    public const int SchemaVersion = 3;

    private static void RefuseNewerSchema(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The store's schema is version {version}, newer than this Airlock's {SchemaVersion}: upgrade Airlock, not the store.");
        }
    }

    // Stores made by an older Airlock gain the newer columns in place; records already written keep NULL there.
    private static int AddMissingColumns(SqliteConnection connection, string table, params (string Name, string Type)[] columns)
    {
        using var info = connection.CreateCommand();
        info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var reader = info.ExecuteReader())
        {
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }

        var missing = columns.Where(c => !existing.Contains(c.Name)).ToList();
        foreach (var (name, type) in missing)
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {name} {type}";
            alter.ExecuteNonQuery();
        }

        return missing.Count;
    }
}
