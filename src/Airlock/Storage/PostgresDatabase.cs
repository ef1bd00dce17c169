using System.Data.Common;
using Npgsql;

namespace Airlock.Storage;

/// <summary>
/// The state of every node in one PostgreSQL database: the same tables as the embedded store, the same SQL, so that a
/// session issued, a call approved or a session revoked on one node holds on every other at its next call.
/// </summary>
internal sealed class PostgresDatabase : IStateDatabase, IDisposable
{
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The data path's reads are prepared once per pooled connection rather than parsed per call.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder);
    }

    public string Description { get; }

    public string ForUpdate => " FOR UPDATE";

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public IHotQuery Hot(string sql) => new HotQuery(_source, sql);

    /// <summary>Brings the schema up to this version of Airlock; see <see cref="PostgresMigrations"/>.</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken) => PostgresMigrations.ApplyAsync(_source, cancellationToken);

    public void Dispose() => _source.Dispose();

    private sealed class HotQuery(NpgsqlDataSource source, string sql) : IHotQuery
    {
        public async ValueTask<T> RunAsync<T>(string? key, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        {
            await using var command = source.CreateCommand(sql);
            if (key is not null)
            {
                command.Parameters.AddWithValue("key", key);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return read(reader);
        }

        public void Dispose()
        {
        }
    }
}
