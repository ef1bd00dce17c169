using System.Globalization;
using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// <c>/metrics</c> on the admin listener of a running gateway, after a known mix of calls from the AWS CLI: allowed,
/// denied, held then approved, masked. The scrape's counts are exactly those calls, and it holds no secret.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed partial class MetricsTests
{
    [Fact]
    public async Task TheScrape_CountsExactlyTheCallsMade_ByDecision_AndHoldsNoSecret()
    {
        var env = new AirlockEnvironment { Admin = true };
        await env.InitializeAsync();
        try
        {
            var agent = await CallMix.RunAsync(env, "metrics-agent");

            using var http = new HttpClient();
            var scrape = await http.GetStringAsync(env.AdminUrl + "/metrics");
            var samples = Samples(scrape);
            double Calls(string service, string operation, string decision) => samples.GetValueOrDefault(
                $"airlock_calls_total{{front_end=\"aws-api\",connection=\"{AirlockEnvironment.Connection}\",service=\"{service}\",operation=\"{operation}\",decision=\"{decision}\"}}");

            Assert.Equal(3, Calls("s3", "ListBuckets", "allow"));
            Assert.Equal(1, Calls("s3", "DeleteBucket", "deny"));
            Assert.Equal(0, Calls("s3", "DeleteBucket", "allow"));
            Assert.Equal(1, Calls("dynamodb", "DeleteTable", "review"));
            Assert.Equal(1, Calls("dynamodb", "DeleteTable", "allow"));
            Assert.Equal(1, Calls("secretsmanager", "GetSecretValue", "allow"));
            Assert.Equal(1, samples.GetValueOrDefault("airlock_masked_fields_total{source=\"model\"}"));
            Assert.Equal(1, samples.GetValueOrDefault("airlock_approvals_decided_total{outcome=\"approved\"}"));
            Assert.Equal(1, samples.GetValueOrDefault("airlock_approval_wait_seconds_count"));
            Assert.Equal(0, samples.GetValueOrDefault("airlock_approvals_pending", -1));
            Assert.Equal(1, samples.GetValueOrDefault("airlock_sessions_issued_total"));
            Assert.Equal(1, samples.GetValueOrDefault("airlock_sessions_active"));
            // Every call that ran is timed: 3 ListBuckets, the released DeleteTable, the GetSecretValue.
            Assert.Equal(3, samples.GetValueOrDefault("airlock_call_duration_seconds_count{front_end=\"aws-api\",service=\"s3\"}"));
            Assert.Equal(3, samples.GetValueOrDefault("airlock_processing_duration_seconds_count{front_end=\"aws-api\",service=\"s3\"}"));
            Assert.Equal(3, samples.GetValueOrDefault($"airlock_upstream_duration_seconds_count{{connection=\"{AirlockEnvironment.Connection}\",service=\"s3\",status_class=\"2xx\"}}"));
            Assert.Equal(0, samples.GetValueOrDefault("airlock_audit_write_failures_total", -1));
            Assert.True(samples.GetValueOrDefault("airlock_audit_commit_duration_seconds_count") > 0);
            Assert.True(samples.GetValueOrDefault("process_cpu_seconds_total") > 0);

            Assert.DoesNotContain(agent.SecretAccessKey, scrape);
            Assert.DoesNotContain(agent.SessionToken, scrape);
            Assert.DoesNotContain(CallMix.SecretValue, scrape);
            Assert.DoesNotContain("metrics-agent", scrape);

            // Only on the admin listener.
            Assert.DoesNotContain("airlock_calls_total", await (await http.GetAsync(env.Gateway.Url + "/metrics")).Content.ReadAsStringAsync());
        }
        finally
        {
            await env.DisposeAsync();
        }
    }

    /// <summary>Each sample line of Prometheus's text format, by its name and labels as written.</summary>
    private static Dictionary<string, double> Samples(string scrape) =>
        scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(\S+(?:\{.*\})?) (\S+)$")]
    private static partial Regex SampleLine();
}
