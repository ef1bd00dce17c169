using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// <c>logging.format: json</c> on the running gateway: every line it writes is one JSON object, a call's line carries
/// the fields of the text line by name, and neither the session's secret nor its token is among them.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class JsonLogTests
{
    [Fact]
    public async Task EveryLineIsOneJsonObject_AndACallsLineNamesItsFields_WithNoSecret()
    {
        var env = new AirlockEnvironment { LogFormat = "json" };
        await env.InitializeAsync();
        try
        {
            var credentials = await env.NewSessionAsync(subject: "json-log-agent");
            Assert.Equal(0, (await env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
            Assert.NotEqual(0, (await env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", "never-" + AirlockEnvironment.UniqueName("t"))).ExitCode);
            await Task.Delay(300); // the console logger writes from its own queue

            var lines = env.Gateway.ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.All(events, e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
            var completed = events.Single(e => e.GetProperty("EventId").GetInt32() == 1 && e.GetProperty("State").GetProperty("Principal").GetString() == "json-log-agent");
            var state = completed.GetProperty("State");
            Assert.Equal("s3:ListBuckets", state.GetProperty("Action").GetString());
            Assert.Equal("allow", state.GetProperty("Decision").GetString());
            Assert.Equal(200, state.GetProperty("Status").GetInt32());
            Assert.StartsWith(state.GetProperty("RequestId").GetString(), completed.GetProperty("Message").GetString());
            Assert.Equal("Information", completed.GetProperty("LogLevel").GetString());
            Assert.DoesNotContain(lines, l => l.Contains(credentials.SecretAccessKey, StringComparison.Ordinal) || l.Contains(credentials.SessionToken, StringComparison.Ordinal));
        }
        finally
        {
            await env.DisposeAsync();
        }
    }
}
