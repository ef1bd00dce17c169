using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The gateway with its audit trail in PostgreSQL (a server of this class's own on loopback): calls recorded and
/// verifiable, two gateway nodes extending one chain, and calls refused while the database is down or read-only.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class PostgresAuditTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private AirlockEnvironment _env = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        var connectionString = await _server.NewDatabaseAsync("gateway");
        _database = connectionString.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        _env = new AirlockEnvironment { AuditPostgresql = connectionString };
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _env.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task TwoGatewayNodes_RecordIntoOneChain_ThatVerifies_AndAnEditIsNamed()
    {
        using var second = await _env.StartSecondGatewayAsync();
        var first = await _env.NewSessionAsync(subject: "node1-agent");
        var other = await _env.NewSessionAsync(subject: "node2-agent", gateway: second.Url);
        var calls = Enumerable.Range(0, 6).Select(i => i % 2 == 0
            ? _env.CliV2Async(first, "s3api", "create-bucket", "--bucket", AirlockEnvironment.UniqueName("pg-one"))
            : _env.CliV2AtAsync(second.Url, other, "s3api", "create-bucket", "--bucket", AirlockEnvironment.UniqueName("pg-two")));
        Assert.All(await Task.WhenAll(calls), r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.NotEqual(0, (await _env.CliV2AtAsync(second.Url, other, "s3", "rb", "s3://" + AirlockEnvironment.UniqueName("pg-keep"))).ExitCode);

        var records = await _env.AuditAsync();
        Assert.Equal(3, records.Count(e => e.Principal == "node1-agent" && e.Operation == "CreateBucket" && e.UpstreamStatus == 200));
        Assert.Equal(3, records.Count(e => e.Principal == "node2-agent" && e.Operation == "CreateBucket" && e.UpstreamStatus == 200));

        var intact = await _env.AirlockAsync("audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("intact:", intact.StdOut);

        var search = await _env.AirlockAsync("audit", "search", "--subject", "node2-agent", "--decision", "deny");
        Assert.Contains("DeleteBucket", search.StdOut);

        var denied = records.Last(e => e.Principal == "node2-agent" && e.Decision == "deny");
        await _server.ExecuteAsync(_database, $"UPDATE audit SET decision = 'allow' WHERE id = {denied.Id}");
        var tampered = await _env.AirlockAsync("audit", "verify");
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"TAMPERED: audit row {denied.Id} ({denied.RequestId}) differs from its log record in decision: modified", tampered.StdOut);
    }

    [Fact]
    public async Task DatabaseDown_RefusesCalls_NothingGoesUpstream_AndCallsRecoverWithIt()
    {
        var credentials = await _env.NewSessionAsync();
        Assert.Equal(0, (await _env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
        await _env.AssertRefusedWhileStoreFailsThenRecoversAsync(credentials, _server.StopAsync, _server.StartAgainAsync);
        Assert.Equal(0, (await _env.AirlockAsync("audit", "verify")).ExitCode);
    }

    [Fact]
    public async Task ReadOnlyDatabase_RefusesCalls_NothingGoesUpstream_AndCallsRecoverWithIt()
    {
        // As a failed-over replica or an operator's freeze would: every transaction is read-only, existing sessions included.
        await _env.AssertRefusedWhileStoreFailsThenRecoversAsync(await _env.NewSessionAsync(),
            () => _server.ExecuteAsync("postgres", "ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()"),
            async () =>
            {
                await _server.ExecuteAsync("postgres", "ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
                await Task.Delay(500); // the reload reaches every backend
            });
        Assert.Contains("read-only transaction", _env.Gateway.ReadLog());
    }
}
