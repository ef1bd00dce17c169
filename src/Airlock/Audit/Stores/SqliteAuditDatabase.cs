using System.Data.Common;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

namespace Airlock.Audit.Stores;

/// <summary>The audit trail in the embedded SQLite store, beside the sessions (its schema is the store's).</summary>
internal sealed class SqliteAuditDatabase(SqliteDatabase database) : IAuditDatabase
{
    public string Description => $"SQLite {database.Path}";

    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        database.EnsureSchema();
        return Task.CompletedTask;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        await using var durable = connection.CreateCommand();
        // FULL: the WAL is fsynced at commit, so a record reported written survives a power cut.
        durable.CommandText = "PRAGMA synchronous = FULL";
        await durable.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // SQLite's default copies the WAL back into the file inside whichever commit passes 1,000 pages: every
        // caller in that batch would wait for the copy and its fsync. The writer leaves that to CheckpointChangesAsync.
        command.CommandText = "PRAGMA wal_autocheckpoint = 0";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async Task CheckpointChangesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // PASSIVE: copies what no reader still needs and never waits for, or blocks, the writer or a reader.
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Not deferred: BEGIN IMMEDIATE takes the write lock before the chain's tail is read.
    public Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // Under the write lock no one else inserts; an explicit id above the AUTOINCREMENT counter moves the counter on.
    public string ReserveIds(string count) => "(SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) + 1)";

    public Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public string Contains(string column, string parameter) => $"instr({column}, {parameter}) > 0";
}
