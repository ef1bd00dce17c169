using System.Text.Json;
using Airlock.Audit;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>A recorded AWS CLI session, replayed, searched and exported with the real <c>airlock</c> command.</summary>
[Collection(AirlockCollection.Name)]
public sealed class AuditReplayTests(AirlockEnvironment env)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task ASession_ReplaysCallByCall_AndExportsEveryField()
    {
        var secret = AirlockEnvironment.UniqueName("replay-secret");
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", secret, "--secret-string", "replay-hidden-value")).ExitCode);
        var credentials = await env.NewSessionAsync(subject: "replayed-agent");
        var bucket = AirlockEnvironment.UniqueName("replay");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.NotEqual(0, (await env.CliV2Async(credentials, "s3", "rb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "secretsmanager", "get-secret-value", "--secret-id", secret)).ExitCode);

        var replay = await env.AirlockAsync("sessions", "replay", credentials.AccessKeyId);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var lines = replay.StdOut;
        Assert.Contains("replayed-agent", lines);
        var create = lines.IndexOf("s3:CreateBucket", StringComparison.Ordinal);
        var delete = lines.IndexOf("s3:DeleteBucket", StringComparison.Ordinal);
        var read = lines.IndexOf("secretsmanager:GetSecretValue", StringComparison.Ordinal);
        Assert.True(create >= 0 && create < delete && delete < read, lines);
        Assert.Contains("-> DENY", lines);
        Assert.Contains("NoBucketDeletion", lines);
        Assert.Contains("masked: SecretString by model", lines);
        Assert.Contains("\"SecretString\": \"****\"", lines);
        Assert.DoesNotContain("replay-hidden-value", lines);

        var asJson = await env.AirlockAsync("sessions", "replay", credentials.AccessKeyId, "--json");
        var records = asJson.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("replayed-agent", JsonDocument.Parse(records[0]).RootElement.GetProperty("subject").GetString());
        // The session starts with the token exchange Airlock recorded, then the calls in order.
        Assert.Equal(["AssumeRoleWithWebIdentity", "CreateBucket", "DeleteBucket", "GetSecretValue"],
            records.Skip(1).Select(r => JsonSerializer.Deserialize<AuditEntry>(r, Json)!.Operation ?? "").ToArray());

        var stored = (await env.AuditAsync()).Where(e => e.AccessKeyId == credentials.AccessKeyId).ToList();
        var session = stored[0].SessionId!;
        var exported = await env.AirlockAsync("audit", "export", "--session", session, "--format", "jsonl");
        Assert.True(exported.ExitCode == 0, exported.ToString());
        var roundTripped = exported.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AuditEntry>(l, Json)!).ToList();
        Assert.Equal(stored.Count, roundTripped.Count);
        foreach (var (original, back) in stored.Zip(roundTripped))
        {
            Assert.Equal(JsonSerializer.Serialize(original, Json), JsonSerializer.Serialize(back, Json));
        }

        var denied = await env.AirlockAsync("audit", "search", "--session", session, "--decision", "deny");
        Assert.Contains("DeleteBucket", denied.StdOut);
        Assert.DoesNotContain("CreateBucket", denied.StdOut);
        var byText = await env.AirlockAsync("audit", "search", "--text", secret, "--json");
        Assert.Contains("GetSecretValue", byText.StdOut);
    }
}
