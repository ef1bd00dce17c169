using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Airlock.Storage;

/// <summary>
/// One read the data path runs on every call, kept prepared on a few open connections: a call then only binds and
/// steps, instead of opening a connection and parsing the SQL again. Connections are taken one per caller, so
/// concurrent calls never share one; beyond <see cref="Kept"/> they are closed after use. The SQL takes at most one
/// parameter, <c>@key</c>.
/// </summary>
internal sealed class KeptQuery(SqliteDatabase database, string sql) : IHotQuery
{
    private const int Kept = 8;
    private readonly ConcurrentBag<SqliteCommand> _idle = [];

    /// <summary>Runs at once, on the caller's thread: SQLite in process has nothing to wait for.</summary>
    public ValueTask<T> RunAsync<T>(string? key, Func<DbDataReader, T> read, CancellationToken cancellationToken) => ValueTask.FromResult(Run(key, read));

    public T Run<T>(string? key, Func<SqliteDataReader, T> read)
    {
        if (!_idle.TryTake(out var command))
        {
            command = Prepare();
        }

        var keep = false;
        try
        {
            if (key is not null)
            {
                command.Parameters["@key"].Value = key;
            }

            using (var reader = command.ExecuteReader())
            {
                var result = read(reader);
                keep = true;
                return result;
            }
        }
        finally
        {
            if (keep && _idle.Count < Kept)
            {
                _idle.Add(command);
            }
            else
            {
                // A failed connection is not kept: the next call opens a fresh one.
                Close(command);
            }
        }
    }

    private SqliteCommand Prepare()
    {
        var command = database.Open().CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("@key", SqliteType.Text);
        return command;
    }

    private static void Close(SqliteCommand command)
    {
        var connection = command.Connection;
        command.Dispose();
        connection?.Dispose();
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var command))
        {
            Close(command);
        }
    }
}
