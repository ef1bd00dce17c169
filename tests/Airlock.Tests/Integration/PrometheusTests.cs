using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A real Prometheus (Debian's, on loopback) scraping a real gateway whose store is a PostgreSQL of the test's own,
/// with the shipped alert rules (deploy/observability/alerts.yaml): after a known mix of calls from the AWS CLI, its
/// query API returns exactly those counts; the rules pass promtool; and the audit-failure alert fires when the audit
/// store is made to refuse writes.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class PrometheusTests : IAsyncLifetime
{
    private static readonly string Rules = Path.Combine(Repository.Root, "deploy", "observability", "alerts.yaml");
    private PostgresServer _server = null!;
    private AirlockEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        _env = new AirlockEnvironment { StorePostgresql = await _server.NewDatabaseAsync("metrics"), Admin = true };
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _env.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task PrometheusCountsTheCallsMade_AndTheAuditAlertFiresWhenTheStoreRefusesWrites()
    {
        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", Rules], new Dictionary<string, string?>());
        Assert.True(check.ExitCode == 0, check.ToString());
        using var prometheus = await PrometheusServer.StartAsync(_env.WorkDir, new Uri(_env.AdminUrl).Authority, Rules);

        var agent = await CallMix.RunAsync(_env, "scraped-agent");

        var within = TimeSpan.FromSeconds(20);
        Assert.Equal(3, await prometheus.WaitForAsync("""sum(airlock_calls_total{service="s3",operation="ListBuckets",decision="allow"})""", 3, within));
        Assert.Equal(1, await prometheus.WaitForAsync("""sum(airlock_calls_total{service="s3",operation="DeleteBucket",decision="deny"})""", 1, within));
        Assert.Equal(1, await prometheus.WaitForAsync("""sum(airlock_calls_total{operation="DeleteTable",decision="review"})""", 1, within));
        Assert.Equal(1, await prometheus.WaitForAsync("""sum(airlock_calls_total{operation="DeleteTable",decision="allow"})""", 1, within));
        Assert.Equal(1, await prometheus.WaitForAsync("""sum(airlock_approvals_decided_total{outcome="approved"})""", 1, within));
        Assert.Equal(1, await prometheus.WaitForAsync("""sum(airlock_masked_fields_total{source="model"})""", 1, within));
        Assert.Equal(0, await prometheus.QueryAsync("""sum(airlock_calls_total{service="s3",operation="DeleteBucket",decision="allow"})"""));
        Assert.Equal(1, await prometheus.WaitForAsync("airlock_ready", 1, within));
        Assert.Empty(await prometheus.AlertsAsync("firing"));

        // The shipped dashboard asks only for series the gateway has, in PromQL this Prometheus accepts.
        var names = await prometheus.NamesAsync();
        var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "observability", "grafana-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!.Replace("$__rate_interval", "1m", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(expressions);
        foreach (var expression in expressions)
        {
            var (ok, error) = await prometheus.AcceptsAsync(expression);
            Assert.True(ok, $"{expression}: {error}");
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(expression, @"\b(airlock|process)_[a-z_]+").Select(m => m.Value))
            {
                Assert.True(names.Contains(name), $"{expression}: no series {name}");
            }
        }

        // The audit store refuses writes (the database turned read-only): calls are refused, and the alert fires.
        await _server.ExecuteAsync("postgres", "ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()");
        try
        {
            await Task.Delay(500); // the reload reaches every backend
            Assert.NotEqual(0, (await _env.CliV2Async(agent, "s3api", "list-buckets")).ExitCode);
            IReadOnlyList<string> firing = [];
            for (var i = 0; i < 60 && !firing.Contains("AirlockAuditWritesFailing"); i++)
            {
                await Task.Delay(500);
                firing = await prometheus.AlertsAsync("firing");
            }

            Assert.Contains("AirlockAuditWritesFailing", firing);
            Assert.Equal(0, await prometheus.WaitForAsync("airlock_ready", 0, within));
        }
        finally
        {
            await _server.ExecuteAsync("postgres", "ALTER SYSTEM RESET default_transaction_read_only", "SELECT pg_reload_conf()");
        }
    }
}
