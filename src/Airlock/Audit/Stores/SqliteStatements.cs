using Airlock.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Airlock.Audit.Stores;

/// <summary>
/// The writer's statements on SQLite, prepared once and bound by position straight through SQLite's C API.
/// Microsoft.Data.Sqlite's binder allocates a binder and a UTF-8 copy for every value, and the writer binds
/// some thirty values per call on the path every call waits for; here texts go to SQLite as they are.
/// </summary>
internal sealed class SqliteStatements : IDisposable
{
    private readonly Dictionary<string, Prepared> _prepared = new(StringComparer.Ordinal);

    /// <summary>Runs one statement on the connection, inside whatever transaction the connection has open.</summary>
    public void Execute(SqliteConnection connection, Statement statement)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var prepared = Prepare(db, statement);
        try
        {
            for (var i = 0; i < statement.Parameters.Length; i++)
            {
                Check(Bind(prepared.Handle, prepared.Indexes[i], statement.Parameters[i].Value), db);
            }

            var rc = raw.sqlite3_step(prepared.Handle);
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }
        finally
        {
            raw.sqlite3_reset(prepared.Handle);
        }
    }

    private Prepared Prepare(sqlite3 db, Statement statement)
    {
        if (_prepared.TryGetValue(statement.Sql, out var prepared))
        {
            return prepared;
        }

        Check(raw.sqlite3_prepare_v2(db, statement.Sql, out var handle), db);
        var indexes = new int[statement.Parameters.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = raw.sqlite3_bind_parameter_index(handle, statement.Parameters[i].Name);
            if (indexes[i] == 0)
            {
                handle.Dispose();
                throw new InvalidOperationException($"The statement has no parameter {statement.Parameters[i].Name}.");
            }
        }

        // The same SQL always comes with the same parameters in the same order.
        prepared = new Prepared(handle, indexes);
        _prepared[statement.Sql] = prepared;
        return prepared;
    }

    private static int Bind(sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        long number => raw.sqlite3_bind_int64(statement, index, number),
        int number => raw.sqlite3_bind_int64(statement, index, number),
        double number => raw.sqlite3_bind_double(statement, index, number),
        // An empty span reaches SQLite as a null pointer, which binds NULL: "" goes the way that keeps it a text.
        string { Length: 0 } or Utf8Text { Bytes.Length: 0 } => raw.sqlite3_bind_text(statement, index, ""),
        string text => raw.sqlite3_bind_text16(statement, index, text.AsSpan()),
        Utf8Text text => raw.sqlite3_bind_text(statement, index, text.Bytes.Span),
        _ => throw new ArgumentException($"The audit writer does not store values of type {value.GetType().Name}."),
    };

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    public void Dispose()
    {
        foreach (var prepared in _prepared.Values)
        {
            prepared.Handle.Dispose();
        }

        _prepared.Clear();
    }

    private sealed record Prepared(sqlite3_stmt Handle, int[] Indexes);
}
