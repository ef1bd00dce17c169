using Airlock.Tests.Integration.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>When the audit store cannot take a record, the call is refused and nothing goes upstream.</summary>
[Collection(AirlockCollection.Name)]
public sealed class FailClosedTests(AirlockEnvironment env)
{
    [Fact]
    public async Task AuditStoreRefusingWrites_RefusesCalls_AndCallsRecoverWithIt()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("failclosed");
        // A real SQLite failure: the store itself rejects every new audit record, as a full or broken disk would.
        await env.ExecuteSqlAsync("CREATE TRIGGER IF NOT EXISTS audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit store down'); END;");
        ProcessResult refused;
        try
        {
            refused = await env.CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket, "--cli-read-timeout", "10");
        }
        finally
        {
            await env.ExecuteSqlAsync("DROP TRIGGER IF EXISTS audit_down;");
        }

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("cannot record this call", refused.All);
        Assert.False(await env.BucketExistsUpstreamAsync(bucket));

        var recovered = await env.CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket);
        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
    }

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
