using Npgsql;

namespace Airlock.Storage;

/// <summary>
/// The PostgreSQL schema of the nodes' shared state, as numbered migrations applied in order, each once. Every node
/// applies what is missing at start, one at a time under an advisory lock, so nodes started together do not race; the
/// audit trail's tables are the audit store's own.
/// </summary>
internal static class PostgresMigrations
{
    // Any fixed number: the lock under which a node migrates.
    private const long MigrationLock = 0x4169726C6F634D;

    private static readonly string[] Migrations =
    [
        // 1: sessions, revocations, approvals and their votes, grants: the embedded store's tables as of this version.
        """
        CREATE TABLE sessions (
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
            revoked_at TEXT,
            token_hash TEXT,
            token_expires_at TEXT,
            end_recorded_at TEXT
        );
        CREATE INDEX sessions_subject ON sessions(subject);
        -- Counts every change to an existing session, on any node, so each node may keep sessions in memory and still
        -- see a revocation on the very next call.
        CREATE TABLE sessions_version (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
        INSERT INTO sessions_version (id, n) VALUES (1, 0);
        CREATE FUNCTION airlock_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE sessions_version SET n = n + 1;
            RETURN NULL;
        END $$;
        CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION airlock_sessions_changed();
        CREATE TABLE revocations (
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            until TEXT NOT NULL,
            revoked_at TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        );
        CREATE TABLE approvals (
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
            reason TEXT,
            uses_left INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX approvals_call ON approvals(session_id, fingerprint);
        CREATE TABLE approval_votes (
            approval_id TEXT NOT NULL,
            approver TEXT NOT NULL,
            decision TEXT NOT NULL,
            reason TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (approval_id, approver)
        );
        CREATE TABLE grants (
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
        CREATE INDEX grants_requester ON grants(requester, status);
        """,
        // 2: a decided approval nudges every node that listens, so the node holding the call re-reads it at once
        // rather than at its next poll. Only a nudge: the table stays the truth, and a lost one costs a poll's delay.
        """
        CREATE FUNCTION airlock_approval_decided() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.status IS DISTINCT FROM OLD.status THEN
                PERFORM pg_notify('airlock_approvals', NEW.id);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER approval_decided AFTER UPDATE ON approvals FOR EACH ROW EXECUTE FUNCTION airlock_approval_decided();
        """,
        // 3: webhook events waiting to be delivered, so each is delivered once across the nodes and survives a restart.
        """
        CREATE TABLE webhook_deliveries (
            id BIGSERIAL PRIMARY KEY,
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
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
        """,
        // 4: the console's data-protection keys (sealed), shared so a console session and its antiforgery tokens hold on every node.
        """
        CREATE TABLE console_keys (
            name TEXT PRIMARY KEY,
            sealed_xml TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
    ];

    /// <summary>The schema version this Airlock needs.</summary>
    public static int Latest => Migrations.Length;

    /// <summary>Applies the missing migrations, in one transaction; the versions applied (none when up to date).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var setup = connection.CreateCommand())
        {
            setup.Transaction = transaction;
            setup.CommandText = $"""
                SELECT pg_advisory_xact_lock({MigrationLock});
                CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
                """;
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Latest)
        {
            throw new InvalidOperationException($"The database's schema is version {current}, newer than this Airlock's {Latest}: upgrade Airlock, not the database.");
        }

        var applied = new List<int>();
        for (var version = current + 1; version <= Latest; version++)
        {
            await using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = Migrations[version - 1] + $"\nINSERT INTO schema_migrations (version, applied_at) VALUES ({version}, now()::text);";
            await migrate.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(version);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }
}
