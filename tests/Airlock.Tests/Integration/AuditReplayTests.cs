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

        // The same over HTTP, for the members of audit.readers only.
        using var http = new HttpClient { BaseAddress = new Uri(env.Gateway.Url) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync($"/_airlock/api/audit?session={session}")).StatusCode);
        using (var asAgent = new HttpRequestMessage(HttpMethod.Get, $"/_airlock/api/audit?session={session}"))
        {
            asAgent.Headers.Authorization = new("Bearer", env.Issuer.Mint(subject: "nosy-agent", groups: ["agents"]));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(asAgent)).StatusCode);
        }

        var auditor = env.Issuer.Mint(subject: "auditor-1", groups: ["auditors"]);
        using (var page = new HttpRequestMessage(HttpMethod.Get, $"/_airlock/api/audit?session={session}&limit=2"))
        {
            page.Headers.Authorization = new("Bearer", auditor);
            var response = await http.SendAsync(page);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(2, doc.RootElement.GetProperty("records").GetArrayLength());
            Assert.Equal(stored[1].Id, doc.RootElement.GetProperty("next").GetInt64());
        }

        using (var replayed = new HttpRequestMessage(HttpMethod.Get, $"/_airlock/api/sessions/{credentials.AccessKeyId}/replay"))
        {
            replayed.Headers.Authorization = new("Bearer", auditor);
            var response = await http.SendAsync(replayed);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            Assert.Equal("replayed-agent", doc.RootElement.GetProperty("session").GetProperty("subject").GetString());
            Assert.Equal(stored.Count, doc.RootElement.GetProperty("calls").GetArrayLength());
            Assert.DoesNotContain(credentials.SecretAccessKey, body);
            Assert.DoesNotContain("replay-hidden-value", body);
        }
    }
}
