using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>When the audit store cannot take a record, the call is refused and nothing goes upstream.</summary>
[Collection(AirlockCollection.Name)]
public sealed class FailClosedTests(AirlockEnvironment env)
{
    [Fact]
    public async Task AuditStoreRefusingWrites_RefusesCalls_AndCallsRecoverWithIt() =>
        // A real SQLite failure: the store itself rejects every new audit record, as a full or broken disk would.
        await env.AssertRefusedWhileStoreFailsThenRecoversAsync(await env.NewSessionAsync(),
            () => env.ExecuteSqlAsync("CREATE TRIGGER IF NOT EXISTS audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit store down'); END;"),
            () => env.ExecuteSqlAsync("DROP TRIGGER IF EXISTS audit_down;"));

    [Fact]
    public async Task Sessions_SurviveAGatewayRestart()
    {
        var credentials = await env.NewSessionAsync(subject: "survivor");

        await env.RestartGatewayAsync();
        var result = await env.CliV2Async(credentials, "sts", "get-caller-identity");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("survivor", result.StdOut);
    }
}
