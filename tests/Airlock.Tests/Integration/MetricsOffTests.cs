using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary><c>admin.metrics: false</c>: the admin listener serves health only, and calls run as before.</summary>
[Collection(AirlockCollection.Name)]
public sealed class MetricsOffTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task TheAdminListenerServesHealth_ButNoMetrics()
    {
        var env = new AirlockEnvironment { Admin = true, AdminMetrics = false };
        await env.InitializeAsync();
        try
        {
            var credentials = await env.NewSessionAsync(subject: "metrics-off-agent");
            Assert.Equal(0, (await env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
            using (var metrics = await Http.GetAsync(env.AdminUrl + "/metrics"))
            {
                Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
            }

            using var ready = await Http.GetAsync(env.AdminUrl + "/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            await env.DisposeAsync();
        }
    }
}
