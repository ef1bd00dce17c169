using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// An assume_role connection: each session's calls reach moto with temporary credentials from STS
/// AssumeRole (with a session policy), which Airlock drops when the session is revoked.
/// </summary>
/// <remarks>
/// It has a stack of its own: moto's state dump (/moto-api/data.json) fails once other services'
/// models hold some kinds of objects, so this test keeps moto's state to IAM, STS and S3.
/// </remarks>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class AssumeRoleConnectionTests : IAsyncLifetime
{
    private readonly AirlockEnvironment env = new();

    public Task InitializeAsync() => env.InitializeAsync();

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task Calls_UseTemporaryRoleCredentials_DroppedOnRevoke()
    {
        var credentials = await env.NewSessionAsync(subject: "role-agent", connection: AirlockEnvironment.RoleConnection);
        var bucket = AirlockEnvironment.UniqueName("role");

        var mb = await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}");

        Assert.True(mb.ExitCode == 0, mb.ToString());
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
        var sessionId = (await env.AuditAsync()).Last(e => e.AccessKeyId == credentials.AccessKeyId).SessionId!;
        var assumed = env.Gateway.ReadLog().Split('\n').Single(l => l.Contains($"for session {sessionId} (upstream key"));
        Assert.Contains(env.Moto.RoleArn, assumed);
        var temporaryKey = assumed[(assumed.IndexOf("(upstream key ", StringComparison.Ordinal) + 14)..].Split(')')[0];
        Assert.NotEqual(env.Moto.AccessKeyId, temporaryKey);

        // moto's own state shows the role session Airlock opened, under that temporary key.
        using var http = new HttpClient();
        var motoState = await http.GetStringAsync(env.Moto.Endpoint + "/moto-api/data.json");
        Assert.Contains($"airlock-{sessionId}", motoState);
        Assert.Contains(temporaryKey, motoState);

        Assert.Equal(0, (await env.AirlockAsync("sessions", "revoke", sessionId)).ExitCode);
        var discarded = $"discarded the upstream credential of session {sessionId}: session revoked";
        for (var i = 0; i < 150 && !env.Gateway.ReadLog().Contains(discarded); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(discarded, env.Gateway.ReadLog());
        var after = await env.CliV2Async(credentials, "s3", "ls");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("revoked", after.All);
    }
}
