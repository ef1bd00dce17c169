using System.Data.Common;
using Npgsql;

namespace Airlock.Storage;

/// <summary>
/// The state of every node in one PostgreSQL database: the same tables as the embedded store, the same SQL, so that a
/// session issued, a call approved or a session revoked on one node holds on every other at its next call.
/// </summary>
internal sealed class PostgresDatabase : IStateDatabase, IStateNotifications, IDisposable
{
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(string connectionString)
    {
        // The data path's reads are prepared once per pooled connection rather than parsed per call.
        var builder = PostgresAutoPrepare.Builder(connectionString, maxStatements: 32);

        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder);
    }

    public string Description { get; }

    public string ForUpdate => " FOR UPDATE";

    public string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'";
        return await probe.ExecuteScalarAsync(cancellationToken) is true;
    }

    public IHotQuery Hot(string sql) => new HotQuery(_source, sql);

    public async Task<bool> RunAloneAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        // The lock is the connection's: a node that dies mid-run lets the next one take the job over.
        var key = BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("airlock:" + job)));
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using (var take = connection.CreateCommand())
        {
            take.CommandText = $"SELECT pg_try_advisory_lock({key})";
            if (await take.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return false;
            }
        }

        try
        {
            await work(cancellationToken);
            return true;
        }
        finally
        {
            await using var release = connection.CreateCommand();
            release.CommandText = $"SELECT pg_advisory_unlock({key})";
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    /// <summary>Brings the schema up to this version of Airlock; see <see cref="PostgresMigrations"/>.</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken) => PostgresMigrations.ApplyAsync(_source, cancellationToken);

    public async Task ListenAsync(string channel, Action<string> changed, Action reconnected, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) => changed(e.Payload);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {channel}";
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                reconnected();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The nudges are lost until the connection is back; the listeners' polls carry the decisions meanwhile.
                await Task.Delay(ReconnectDelay, cancellationToken);
            }
        }
    }

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

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
