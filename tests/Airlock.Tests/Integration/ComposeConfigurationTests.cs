using System.Diagnostics;
using System.Net;
using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The Compose quick-start's configuration and its demo issuer, run as processes on loopback (no container engine runs
/// here): <c>airlock demo-issuer</c> as the issuer service runs it, and a gateway on deploy/compose/airlock.yaml with
/// only its addresses moved to free loopback ports and its store to SQLite. A token from the issuer's page is exchanged
/// for a session, which the gateway then knows.
/// </summary>
public sealed class ComposeConfigurationTests
{
    [Fact]
    public async Task ATokenFromTheDemoIssuer_GetsASession_FromAGatewayOnTheQuickStartsConfiguration()
    {
        var work = Directory.CreateTempSubdirectory("airlock-compose-").FullName;
        var (issuerPort, apiPort, adminPort) = (MotoServer.FreePort(), MotoServer.FreePort(), MotoServer.FreePort());
        var issuerUrl = $"http://127.0.0.1:{issuerPort}";
        var (issuer, issuerLog) = LoggedProcess.Start(
            new ProcessStartInfo("dotnet", [Tools.AirlockDll, "demo-issuer", "--listen", issuerUrl, "--url", issuerUrl]), Path.Combine(work, "issuer.log"));
        try
        {
            var config = (await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "compose", "airlock.yaml")))
                .Replace("http://127.0.0.1:8090", issuerUrl, StringComparison.Ordinal)
                .Replace("http://0.0.0.0:8080", $"http://127.0.0.1:{apiPort}", StringComparison.Ordinal)
                .Replace("http://0.0.0.0:9091", $"http://127.0.0.1:{adminPort}", StringComparison.Ordinal)
                .Replace("/var/lib/airlock/", work + "/", StringComparison.Ordinal);
            var configPath = Path.Combine(work, "airlock.yaml");
            await File.WriteAllTextAsync(configPath, config);
            using var gateway = await GatewayProcess.StartAsync(configPath, apiPort, new Dictionary<string, string?>
            {
                ["AIRLOCK_SECRET_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["UPSTREAM_AWS_ACCESS_KEY_ID"] = "testing",
                ["UPSTREAM_AWS_SECRET_ACCESS_KEY"] = "testing",
            });

            using var http = new HttpClient();
            var token = await http.GetStringAsync($"{issuerUrl}/_airlock/demo-oidc/token?subject=compose-agent&groups=developers");
            using var exchange = await http.PostAsync(gateway.Url + "/", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "AssumeRoleWithWebIdentity",
                ["Version"] = "2011-06-15",
                ["RoleArn"] = "arn:aws:iam::000000000000:role/demo",
                ["RoleSessionName"] = "compose",
                ["WebIdentityToken"] = token,
            }));
            var answer = System.Xml.Linq.XElement.Parse(await exchange.Content.ReadAsStringAsync());
            Assert.True(exchange.StatusCode == HttpStatusCode.OK, answer.ToString());
            var credentials = new SessionCredentials(AirlockEnvironment.Find(answer, "AccessKeyId"), AirlockEnvironment.Find(answer, "SecretAccessKey"),
                AirlockEnvironment.Find(answer, "SessionToken"));

            var (status, body) = await SignedHttp.SendAsync(gateway.Url, credentials, HttpMethod.Post, "/", "sts",
                new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded" }, Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("compose-agent", body);
            using var ready = await http.GetAsync($"http://127.0.0.1:{adminPort}/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            issuer.Kill();
            await issuer.WaitForExitAsync();
            issuerLog.Dispose();
        }
    }
}
