using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Stores an Airlock from before shared state left behind (tests/fixtures/old-stores, made by its make.sh with commit
/// 6c554ab): an embedded SQLite store, and an audit trail on PostgreSQL. Today's gateway starts on each, upgrades it in
/// place, keeps what it held, seals the session secrets it kept in plain text, and extends the chain, which verifies.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests.
[Collection(AirlockCollection.Name)]
public sealed class StoreUpgradeTests
{
    private static readonly string Fixtures = Path.Combine(Repository.Root, "tests", "fixtures", "old-stores");

    [Fact]
    public async Task AnOldSqliteStore_IsUpgradedInPlace_ItsChainStillVerifies_AndGrowsOn()
    {
        await using (var fixture = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Fixtures, "sqlite", "airlock.db")};Mode=ReadOnly;Pooling=false"))
        {
            await fixture.OpenAsync();
            await using var plain = fixture.CreateCommand();
            plain.CommandText = "SELECT count(*) FROM sessions WHERE secret_access_key NOT LIKE 'sealed:%'";
            Assert.True((long)(await plain.ExecuteScalarAsync())! > 0, "the old store keeps session secrets in plain text");
        }

        var env = new AirlockEnvironment { SeedStoreFrom = Path.Combine(Fixtures, "sqlite") };
        await env.InitializeAsync();
        try
        {
            await AssertUpgradedAsync(env);
            using var store = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={env.DatabasePath};Mode=ReadOnly");
            await store.OpenAsync();
            await using var version = store.CreateCommand();
            version.CommandText = "PRAGMA user_version";
            Assert.Equal((long)Airlock.Storage.SqliteDatabase.SchemaVersion, (long)(await version.ExecuteScalarAsync())!);
            await using var secrets = store.CreateCommand();
            secrets.CommandText = "SELECT count(*) FROM sessions WHERE secret_access_key NOT LIKE 'sealed:v1:%'";
            Assert.Equal(0L, (long)(await secrets.ExecuteScalarAsync())!);
        }
        finally
        {
            await env.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnOldPostgresqlAuditTrail_BecomesTheSharedStore_ItsChainStillVerifies_AndGrowsOn()
    {
        await using var server = await PostgresServer.StartNewAsync();
        var connectionString = await server.NewDatabaseAsync("old");
        var database = connectionString.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        var load = await ProcessRunner.RunAsync("psql",
            ["-h", "127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "airlock", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-q", "-f", Path.Combine(Fixtures, "postgresql", "audit.sql")], new Dictionary<string, string?>());
        Assert.True(load.ExitCode == 0, load.ToString());

        var env = new AirlockEnvironment { StorePostgresql = connectionString, SeedStoreFrom = Path.Combine(Fixtures, "postgresql") };
        await env.InitializeAsync();
        try
        {
            await AssertUpgradedAsync(env);
        }
        finally
        {
            await env.DisposeAsync();
        }
    }

    /// <summary>The old records are there and verify; a new call is recorded after them, and the whole chain verifies.</summary>
    private static async Task AssertUpgradedAsync(AirlockEnvironment env)
    {
        var old = (await env.AuditAsync()).Where(e => e.Principal == "bench-agent").ToList();
        Assert.Equal(5, old.Count(e => e.Operation == "GetItem" && e.Decision == "allow"));
        Assert.Contains(old, e => e.Operation == "DeleteTable" && e.Decision == "deny");
        Assert.Contains(old, e => e.Operation == "DeleteItem" && e.Decision == "review");
        var before = await env.AirlockAsync("audit", "verify");
        Assert.True(before.ExitCode == 0, before.ToString());

        var credentials = await env.NewSessionAsync(subject: "after-upgrade");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);

        var after = await env.AirlockAsync("audit", "verify");
        Assert.True(after.ExitCode == 0, after.ToString());
        var records = await env.AuditAsync();
        Assert.True(records.Single(e => e.Principal == "after-upgrade" && e.Operation == "ListBuckets").Id > old.Max(e => e.Id));
    }
}
