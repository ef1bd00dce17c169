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

    // Not deferred: BEGIN IMMEDIATE takes the write lock before the chain's tail is read.
    public Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // Under the write lock no one else inserts; an explicit id above the AUTOINCREMENT counter moves the counter on.
    public string ReserveIds(string count) => "(SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) + 1)";

    public Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public string Contains(string column, string parameter) => $"instr({column}, {parameter}) > 0";
}
