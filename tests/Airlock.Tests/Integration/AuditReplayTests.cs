using System.Net.Http.Json;
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
        var table = AirlockEnvironment.UniqueName("replay-table");
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=k,AttributeType=S",
            "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
        var credentials = await env.NewSessionAsync(subject: "replayed-agent");
        var bucket = AirlockEnvironment.UniqueName("replay");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.NotEqual(0, (await env.CliV2Async(credentials, "s3", "rb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "secretsmanager", "get-secret-value", "--secret-id", secret)).ExitCode);
        var held = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        await ApproveAsync(table);
        Assert.Equal(0, (await held).ExitCode);
        Assert.Equal(0, (await env.AirlockAsync("sessions", "revoke", credentials.AccessKeyId)).ExitCode);
        await WaitForAsync(async () => (await env.AuditAsync()).Any(e => e.AccessKeyId == credentials.AccessKeyId && e.Operation == "SessionRevoked"));

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
        Assert.Contains("RequestApproval", lines);
        Assert.Contains("approved in apr-", lines);
        Assert.Contains("request: PUT /" + bucket, lines);
        Assert.Contains("timings: verify ", lines);

        var asJson = await env.AirlockAsync("sessions", "replay", credentials.AccessKeyId, "--json");
        var records = asJson.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("replayed-agent", JsonDocument.Parse(records[0]).RootElement.GetProperty("subject").GetString());
        // The session starts with the token exchange Airlock recorded, then the calls in order: the held call is
        // recorded as held (review), then the approval, then the released call.
        Assert.Equal(["AssumeRoleWithWebIdentity", "CreateBucket", "DeleteBucket", "GetSecretValue", "RequestApproval", "DeleteTable", "ApproveCall", "DeleteTable", "SessionRevoked"],
            records.Skip(1).Select(r => JsonSerializer.Deserialize<AuditEntry>(r, Json)!.Operation ?? "").ToArray());

        // What each record holds beyond the decision: the request as sent (no credentials), body, stage timings, upstream id.
        var calls = records.Skip(1).Select(r => JsonSerializer.Deserialize<AuditEntry>(r, Json)!).ToList();
        var start = calls[0];
        Assert.Equal("replayed-agent", start.Principal);
        Assert.Contains("agents", start.Parameters["Groups"]);
        Assert.Equal(env.Issuer.Issuer, start.Parameters["Issuer"]);
        Assert.DoesNotContain(calls, c => c.Parameters.ContainsKey("WebIdentityToken"));
        var createBucket = calls[1];
        Assert.Equal(("PUT", "/" + bucket), (createBucket.Method, createBucket.Path));
        Assert.StartsWith("aws-cli/2", createBucket.UserAgent);
        Assert.True(createBucket.Headers.ContainsKey("x-amz-date"));
        Assert.False(createBucket.Headers.ContainsKey("authorization"));
        Assert.False(createBucket.Headers.ContainsKey("x-amz-security-token"));
        Assert.All(["verify", "resolve", "policy", "audit", "upstream", "response"], stage => Assert.Contains(stage, createBucket.Timings.Keys));
        Assert.Equal("review", calls[5].Decision);
        Assert.Contains("held for approval apr-", calls[5].Reason);
        var deleteTable = calls[7];
        Assert.Contains(table, deleteTable.RequestBody);
        Assert.Contains("approval", deleteTable.Timings.Keys);
        Assert.False(string.IsNullOrEmpty(deleteTable.UpstreamRequestId));
        Assert.Equal(200, deleteTable.UpstreamStatus);
        Assert.Contains("replay-hidden-value", (await env.MotoAsync("secretsmanager", "get-secret-value", "--secret-id", secret)).StdOut);
        foreach (var secretValue in new[] { credentials.SecretAccessKey, credentials.SessionToken, "replay-hidden-value" })
        {
            Assert.DoesNotContain(secretValue, asJson.StdOut);
        }

        var session = (await env.AuditAsync()).First(e => e.AccessKeyId == credentials.AccessKeyId).SessionId!;
        var stored = (await env.AuditAsync()).Where(e => e.SessionId == session).ToList();
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

    /// <summary>Approves, as an SRE over the HTTP API, the pending deletion of this table.</summary>
    private async Task ApproveAsync(string table)
    {
        using var api = new HttpClient { BaseAddress = new Uri(env.Gateway.Url) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", env.Issuer.Mint(subject: "sre-replay", groups: ["sre"]));
        string? id = null;
        await WaitForAsync(async () =>
        {
            using var pending = JsonDocument.Parse(await api.GetStringAsync("/_airlock/api/approvals?status=pending"));
            id = pending.RootElement.EnumerateArray().FirstOrDefault(a => a.GetRawText().Contains(table)) is { ValueKind: JsonValueKind.Object } found
                ? found.GetProperty("id").GetString() : null;
            return id is not null;
        });
        (await api.PostAsync($"/_airlock/api/approvals/{id}/approve", JsonContent.Create(new { reason = "replay test" }))).EnsureSuccessStatusCode();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("timed out waiting");
    }
}
