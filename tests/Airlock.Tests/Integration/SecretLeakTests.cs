using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>The upstream credential never leaves the gateway: not in responses, log lines or the audit store.</summary>
[Collection(AirlockCollection.Name)]
public sealed class SecretLeakTests(AirlockEnvironment env)
{
    [Fact]
    public async Task UpstreamSecret_AppearsInNoResponseLogOrAuditRecord()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("leak");
        var outputs = new List<ProcessResult>
        {
            await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}"),
            await env.CliV2Async(credentials, "s3", "cp", env.ConfigPath, $"s3://{bucket}/config.yaml"),
            await env.CliV2Async(credentials, "s3", "cp", $"s3://{bucket}/config.yaml", "-"),
            await env.CliV2Async(credentials, "s3api", "list-objects-v2", "--bucket", bucket, "--debug"),
            await env.CliV2Async(credentials, "s3", "rb", $"s3://{bucket}", "--debug"),
            await env.CliV2Async(credentials, "dynamodb", "describe-table", "--table-name", "does-not-exist", "--debug"),
            await env.CliV2Async(credentials with { SecretAccessKey = "wrong" }, "s3", "ls", "--debug"),
            await env.CliV1Async(credentials, "sts", "get-caller-identity", "--debug"),
            await env.CliV2Async(credentials, "secretsmanager", "create-secret", "--name", bucket, "--secret-string", "never-in-the-audit-7f3a"),
        };
        Assert.Equal(0, outputs[0].ExitCode);

        var secret = env.Moto.SecretAccessKey;
        Assert.All(outputs, o => Assert.DoesNotContain(secret, o.All));
        // Parameters are recorded, but never the members the model marks sensitive.
        await env.AssertNowhereInAirlockAsync(secret, "never-in-the-audit-7f3a");

        var created = (await env.AuditAsync()).Last(e => e.AccessKeyId == credentials.AccessKeyId && e.Operation == "CreateSecret");
        Assert.Equal(bucket, created.Parameters["Name"]);
        Assert.False(created.Parameters.ContainsKey("SecretString"));

        // The gateway did log these calls: the search above looked at a log that has content.
        Assert.Contains("CreateBucket", env.Gateway.ReadLog());
    }
}
