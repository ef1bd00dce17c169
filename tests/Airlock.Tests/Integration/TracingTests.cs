using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Traces exported over OTLP/HTTP to a receiver of the test's own: a call's span continues the caller's trace, names
/// the call after OpenTelemetry's conventions, carries its stages as events; nothing is added to what goes upstream;
/// and no secret, token or unmasked value appears in any span or log line.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task ACallsSpan_ContinuesTheCallersTrace_NamesTheCall_AndHoldsNoSecret()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var env = new AirlockEnvironment { OtlpEndpoint = receiver.Url };
        await env.InitializeAsync();
        try
        {
            var agent = await env.NewSessionAsync(groups: ["agents"], subject: "traced-agent", connection: AirlockEnvironment.RecordedConnection);
            const string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            const string parent = "00f067aa0ba902b7";
            var (status, _) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Get, "/", "s3",
                new Dictionary<string, string> { ["traceparent"] = $"00-{trace}-{parent}-01" });
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            var secret = AirlockEnvironment.UniqueName("traced-secret");
            Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", secret, "--secret-string", "traced-value-42")).ExitCode);
            Assert.Equal(0, (await env.CliV2AtAsync(env.Gateway.Url, await env.NewSessionAsync(subject: "traced-reader"), "secretsmanager", "get-secret-value", "--secret-id", secret)).ExitCode);

            ReceivedSpan? span = null;
            for (var i = 0; i < 60 && (span = receiver.Spans().FirstOrDefault(s => s.TraceId == trace)) is null; i++)
            {
                await Task.Delay(250);
            }

            Assert.NotNull(span);
            Assert.Equal(parent, span.ParentSpanId);
            Assert.Equal("s3/ListBuckets", span.Name);
            Assert.Equal("aws-api", span.Attributes["rpc.system"]);
            Assert.Equal("s3", span.Attributes["rpc.service"]);
            Assert.Equal("ListBuckets", span.Attributes["rpc.method"]);
            Assert.Equal("us-east-1", span.Attributes["cloud.region"]);
            Assert.Equal("allow", span.Attributes["airlock.decision"]);
            Assert.Equal(AirlockEnvironment.RecordedConnection, span.Attributes["airlock.connection"]);
            Assert.StartsWith("sess-", span.Attributes["airlock.session"]);
            Assert.Equal("200", span.Attributes["http.response.status_code"]);
            Assert.Subset(span.Events.ToHashSet(), new HashSet<string> { "verify", "resolve", "policy", "audit", "upstream" });

            // What went upstream is what the caller signed: its own traceparent (the caller signed it), not one naming
            // Airlock's span, which would change a signed header.
            var upstream = Assert.Single(env.Recorder.Received, r => r.Method == "GET" && r.Target == "/");
            Assert.Equal($"00-{trace}-{parent}-01", upstream.Headers["traceparent"]);

            // The reader's span arrives too; then nothing secret in any export or log line.
            for (var i = 0; i < 40 && !receiver.Spans().Any(s => s.Attributes.GetValueOrDefault("rpc.method") == "GetSecretValue"); i++)
            {
                await Task.Delay(250);
            }

            Assert.Contains(receiver.Spans(), s => s.Attributes.GetValueOrDefault("rpc.method") == "GetSecretValue");
            var exported = string.Concat(receiver.Exports.Select(e => Encoding.UTF8.GetString(e)));
            var log = env.Gateway.ReadLog();
            foreach (var forbidden in new[] { agent.SecretAccessKey, agent.SessionToken, "traced-value-42", env.Moto.AccessKeyId })
            {
                Assert.DoesNotContain(forbidden, exported);
                Assert.DoesNotContain(forbidden, log);
            }
        }
        finally
        {
            await env.DisposeAsync();
        }
    }
}
