using System.Net;
using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The admin listener of a node whose store is PostgreSQL (a server of this class's own): <c>/healthz</c> and
/// <c>/readyz</c> there and nowhere else, no AWS call taken there, and readiness lost while the store refuses writes.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class HealthTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private PostgresServer _server = null!;
    private AirlockEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        _env = new AirlockEnvironment { StorePostgresql = await _server.NewDatabaseAsync("health"), Admin = true };
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _env.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync()
    {
        using var response = await Http.GetAsync(_env.AdminUrl + "/readyz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task HealthAndReadiness_AreServedOnTheAdminPortOnly_AndNoAwsCallIsTakenThere()
    {
        using (var live = await Http.GetAsync(_env.AdminUrl + "/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        var (status, body) = await ReadyAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString());
        Assert.Equal(["audit", "catalog", "not-stopping", "policy", "store", "upstream-credentials"], checks.Keys.Order());
        Assert.All(checks.Values, s => Assert.Equal("Healthy", s));
        Assert.DoesNotContain("Username", body.ToString());

        using (var other = await Http.GetAsync(_env.AdminUrl + "/_airlock/health"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        // The API's port answers /readyz as the S3 call it would be, never with the node's health.
        using (var onApi = await Http.GetAsync(_env.Gateway.Url + "/readyz"))
        {
            Assert.DoesNotContain("\"checks\"", await onApi.Content.ReadAsStringAsync());
        }

        var credentials = await _env.NewSessionAsync(subject: "admin-port-agent");
        var signed = await _env.CliV2AtAsync(_env.AdminUrl, credentials, "s3api", "create-bucket", "--bucket", AirlockEnvironment.UniqueName("admin-port"));
        Assert.NotEqual(0, signed.ExitCode);
        Assert.DoesNotContain(await _env.AuditAsync(), e => e.Principal == "admin-port-agent" && e.Operation == "CreateBucket");
    }

    [Fact]
    public async Task AStoreThatRefusesWrites_TakesTheNodeOutOfReadiness_UntilItTakesThemAgain()
    {
        var credentials = await _env.NewSessionAsync(subject: "health-agent");
        await _server.ExecuteAsync("postgres", "ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()");
        await Task.Delay(500); // the reload reaches every backend
        try
        {
            Assert.NotEqual(0, (await _env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
            var (status, body) = await ReadyAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var checks = body.GetProperty("checks");
            Assert.Equal("Unhealthy", checks.GetProperty("store").GetProperty("status").GetString());
            Assert.Equal("Unhealthy", checks.GetProperty("audit").GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty("catalog").GetProperty("status").GetString());
        }
        finally
        {
            await _server.ExecuteAsync("postgres", "ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
            await Task.Delay(500);
        }

        // The store is ready at once; the audit check once a record is taken again.
        for (var i = 0; i < 20 && (await _env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode != 0; i++)
        {
            await Task.Delay(250);
        }

        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync()).Status);
    }
}
