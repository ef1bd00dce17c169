using System.Data.Common;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

namespace Airlock.Audit.Stores;

/// <summary>
/// The audit writer's own connection, kept open between batches with its statements prepared once: a batch then only
/// binds values (in-process SQLite) or goes as one round trip (PostgreSQL). Dropped after any failure and opened
/// again for the next batch, so a database that went away and came back is simply reconnected.
/// </summary>
internal sealed class WriterConnection(IAuditDatabase database) : IAsyncDisposable
{
    private readonly SqliteStatements _sqlite = new();
    private DbConnection? _connection;

    /// <summary>Whether the last <see cref="OpenAsync"/> handed out a connection kept from an earlier batch (so it may have gone stale since).</summary>
    public bool WasUsedBefore { get; private set; }

    /// <summary>The connection itself failed (the database went away), as opposed to a statement.</summary>
    public bool IsBroken => _connection is { State: not System.Data.ConnectionState.Open };

    /// <summary>The connection for a batch: the kept one, or a new one. Called once per batch.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        WasUsedBefore = _connection is not null;
        return _connection ??= await database.OpenAsync(CancellationToken.None);
    }

    /// <summary>Runs the statements in order inside the transaction, on the connection <see cref="OpenAsync"/> gave.</summary>
    public async Task ExecuteAsync(DbTransaction transaction, IReadOnlyList<Statement> statements)
    {
        var connection = _connection ?? throw new InvalidOperationException("OpenAsync first.");
        if (connection is SqliteConnection sqlite)
        {
            // In process: each statement is prepared once and only bound afterwards.
            foreach (var statement in statements)
            {
                _sqlite.Execute(sqlite, statement);
            }

            return;
        }

        // One round trip for the whole batch (PostgreSQL).
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            foreach (var (name, value) in statement.Parameters)
            {
                command.Parameters.Add(DbCommandExtensions.Parameter(command.CreateParameter(), name, value));
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Forgets the connection and its statements, after a failure.</summary>
    public async ValueTask ResetAsync()
    {
        _sqlite.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    public ValueTask DisposeAsync() => ResetAsync();
}
