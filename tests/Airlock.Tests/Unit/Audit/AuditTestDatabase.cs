using System.Data.Common;
using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Storage;
using Airlock.Tests.Integration.Infrastructure;

namespace Airlock.Tests.Unit.Audit;

/// <summary>A fresh, real audit database for one test, and what a test does to it behind the gateway's back.</summary>
public abstract class AuditTestDatabase
{
    /// <summary>The test's own handle on the database.</summary>
    internal abstract IAuditDatabase Database { get; }

    /// <summary>A new handle, as another process would have: a store disposes the handle it was given.</summary>
    private protected abstract IAuditDatabase Connect();

    /// <summary>Where the test's signing key lives.</summary>
    public string KeyFile { get; } = Path.Combine(Directory.CreateTempSubdirectory("airlock-audit-key-").FullName, "audit-signing.key");

    internal AuditStore NewStore(AuditOptions? options = null) => new(Connect(), options ?? new AuditOptions(), KeyFile, TimeProvider.System);

    /// <summary>A node's handle on the store's shared state, where periodic work takes its turn.</summary>
    internal abstract Airlock.Storage.IStateDatabase State();

    /// <summary>SQL as someone with access to the database would run it.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(null, sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>SQL that makes the database reject every new audit row, as a broken or full disk would; and the SQL that undoes it.</summary>
    public abstract (string Refuse, string Accept) RefuseInserts { get; }

    /// <summary>Another client holding the log's write lock until disposed.</summary>
    public async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var connection = await Database.OpenAsync(CancellationToken.None);
        var transaction = await Database.BeginAppendAsync(connection, CancellationToken.None);
        return new Holder(connection, transaction);
    }

    private sealed class Holder(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}

public sealed class SqliteTestDatabase : AuditTestDatabase
{
    internal override IAuditDatabase Database { get; }

    public SqliteTestDatabase()
    {
        var store = new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("airlock-audit-").FullName, "airlock.db"));
        store.EnsureSchema();
        Database = new SqliteAuditDatabase(store);
        _state = store;
    }

    private readonly SqliteDatabase _state;

    internal override Airlock.Storage.IStateDatabase State() => _state;

    private protected override IAuditDatabase Connect() => Database;

    public override (string, string) RefuseInserts =>
        ("CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit store down'); END;", "DROP TRIGGER audit_down;");
}

public sealed class PostgresTestDatabase : AuditTestDatabase
{
    private readonly string _connectionString;

    private PostgresTestDatabase(string connectionString)
    {
        _connectionString = connectionString;
        Database = new PostgresAuditDatabase(connectionString);
    }

    internal override IAuditDatabase Database { get; }

    private protected override IAuditDatabase Connect() => new PostgresAuditDatabase(_connectionString);

    internal override Airlock.Storage.IStateDatabase State() => new Airlock.Storage.PostgresDatabase(_connectionString);

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = await PostgresServer.SharedAsync();
        var database = new PostgresTestDatabase(await server.NewDatabaseAsync("audit"));
        await database.Database.EnsureSchemaAsync(CancellationToken.None);
        return database;
    }

    public override (string, string) RefuseInserts => ("""
        CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store down'; END $$;
        CREATE TRIGGER audit_down BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_down();
        """, "DROP TRIGGER audit_down ON audit; DROP FUNCTION audit_down();");
}
