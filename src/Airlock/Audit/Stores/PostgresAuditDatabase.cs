using System.Data.Common;
using System.Data;
using Npgsql;

namespace Airlock.Audit.Stores;

/// <summary>
/// The audit trail in PostgreSQL, shared by several gateway nodes: each append holds a transaction-scoped advisory
/// lock, so the nodes' records form one chain in commit order and stay verifiable as one log.
/// </summary>
internal sealed class PostgresAuditDatabase : IAuditDatabase, IDisposable
{
    // Any fixed number: the lock every Airlock node takes to append to the audit log.
    private const long AppendLock = 0x4169726C6F636B;
    private readonly NpgsqlDataSource _source;

    public PostgresAuditDatabase(string connectionString)
    {
        // The writer sends the same few statements in every batch (a call's row, its outcome's update, the chained
        // record): prepared once on its connection, a batch only binds them instead of having each parsed and planned.
        var builder = Storage.PostgresAutoPrepare.Builder(connectionString, maxStatements: 16, minUsages: 2);

        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder);
    }

    public string Description { get; }

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Under the append lock: two nodes creating the tables at once would otherwise collide in the catalog.
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({AppendLock});
            CREATE TABLE IF NOT EXISTS audit (
                id BIGSERIAL PRIMARY KEY,
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
                latency_ms DOUBLE PRECISION,
                completed_at TEXT,
                action TEXT,
                region TEXT,
                parameters TEXT,
                masked TEXT,
                response TEXT,
                method TEXT,
                path TEXT,
                user_agent TEXT,
                headers TEXT,
                request_body TEXT,
                upstream_request_id TEXT,
                timings TEXT
            );
            -- Stores made by an older Airlock gain the newer columns in place; records already written keep NULL there.
            ALTER TABLE audit ADD COLUMN IF NOT EXISTS normalized_path TEXT;
            CREATE INDEX IF NOT EXISTS audit_session ON audit(session_id);
            CREATE TABLE IF NOT EXISTS audit_log (
                seq BIGINT PRIMARY KEY,
                time TEXT NOT NULL,
                kind TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                body TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                seq BIGINT PRIMARY KEY,
                hash TEXT NOT NULL,
                time TEXT NOT NULL,
                key_id TEXT NOT NULL,
                signature TEXT NOT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public async Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // synchronous_commit on whatever the server's default: a record reported written is on disk. The lock
        // timeout matches SQLite's busy timeout: a writer stuck behind another fails its calls rather than hang them.
        command.CommandText = $"SET LOCAL synchronous_commit = on; SET LOCAL lock_timeout = '5s'; SELECT pg_advisory_xact_lock({AppendLock});";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    // Moves the sequence on by count and takes the block below its new value (count 0 leaves it where it was).
    public string ReserveIds(string count) =>
        $"(SELECT setval(pg_get_serial_sequence('audit', 'id'), nextval(pg_get_serial_sequence('audit', 'id')) + {count} - 1) - {count} + 1)";

    public async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public string Contains(string column, string parameter) => $"strpos({column}, {parameter}) > 0";

    public void Dispose() => _source.Dispose();
}
