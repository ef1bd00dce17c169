using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>The running gateway's audit log, checked with the real <c>airlock audit verify</c>, before and after someone edits the store.</summary>
[Collection(AirlockCollection.Name)]
public sealed class AuditVerifyTests(AirlockEnvironment env)
{
    [Fact]
    public async Task ARecordedCliSession_Verifies_AndAnEditIsNamed()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("verify");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.NotEqual(0, (await env.CliV2Async(credentials, "s3", "rb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "dynamodb", "list-tables")).ExitCode);

        var publicKey = await env.AirlockAsync("audit", "public-key");
        Assert.True(publicKey.ExitCode == 0, publicKey.ToString());
        Assert.StartsWith("ed25519:", publicKey.StdOut.Trim());

        var intact = await env.AirlockAsync("audit", "verify", "--public-key", publicKey.StdOut.Trim());
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains("intact:", intact.StdOut);

        var denied = (await env.AuditAsync()).Last(e => e.AccessKeyId == credentials.AccessKeyId && e.Decision == "deny");
        await env.ExecuteSqlAsync($"UPDATE audit SET decision = 'allow' WHERE id = {denied.Id}");
        try
        {
            var tampered = await env.AirlockAsync("audit", "verify");
            Assert.Equal(1, tampered.ExitCode);
            Assert.Contains($"TAMPERED: audit row {denied.Id} ({denied.RequestId}) differs from its log record in decision: modified", tampered.StdOut);

            var otherKey = await env.AirlockAsync("audit", "verify", "--public-key", "ed25519:" + Convert.ToBase64String(new byte[32]));
            Assert.Equal(1, otherKey.ExitCode);
        }
        finally
        {
            await env.ExecuteSqlAsync($"UPDATE audit SET decision = 'deny' WHERE id = {denied.Id}");
        }

        Assert.Equal(0, (await env.AirlockAsync("audit", "verify")).ExitCode);
    }
}
