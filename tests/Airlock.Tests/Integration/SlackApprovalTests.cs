using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Approve and Deny from Slack: the held call's Slack message carries the buttons, and the interactions a test posts
/// as Slack would (form-encoded <c>payload</c>, v0 signature) decide only when signed, fresh, first seen, from a mapped
/// user who is not the requester. The real AWS CLI call waits on the decision.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class SlackApprovalTests(AirlockEnvironment env)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task OnlyTheValidInteractionDecides_AndTheHeldCallCompletesUpstream()
    {
        var (credentials, table) = await TableAsync("slack-ok");
        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await ButtonApprovalIdAsync(table);
        var now = DateTimeOffset.UtcNow;

        var badSignature = await PostAsync(Click(AirlockEnvironment.SlackSre, id, "airlock.approve", "bad"), now, secret: "not-the-signing-secret");
        var stale = await PostAsync(Click(AirlockEnvironment.SlackSre, id, "airlock.approve", "stale"), now.AddMinutes(-6));
        var unsigned = await PostAsync(Click(AirlockEnvironment.SlackSre, id, "airlock.approve", "unsigned"), now, secret: null);
        var unknown = await PostAsync(Click("U0NOBODY01", id, "airlock.approve", "unknown"), now);
        var self = await PostAsync(Click(AirlockEnvironment.SlackRequester, id, "airlock.approve", "self"), now);
        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.Status);
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(HttpStatusCode.OK, self.Status);
        Assert.Contains("not one Airlock knows", await ResponseAsync("unknown"));
        Assert.Contains("cannot decide your own request", await ResponseAsync("self"));

        var valid = Click(AirlockEnvironment.SlackSre, id, "airlock.approve", "valid");
        var approved = await PostAsync(valid, now);
        var replayed = await PostAsync(valid, now);
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal(HttpStatusCode.Conflict, replayed.Status);
        var result = await delete;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var update = JsonNode.Parse(await ResponseAsync("valid"))!;
        Assert.True(update["replace_original"]!.GetValue<bool>());
        Assert.Contains("Approved by slack-sre (Slack); the approval is now approved", update["text"]!.GetValue<string>());
        Assert.DoesNotContain("\"actions\"", update.ToJsonString());

        // A later click on a decided call changes nothing and says so.
        var late = await PostAsync(Click(AirlockEnvironment.SlackSre2, id, "airlock.deny", "late"), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, late.Status);
        Assert.Matches("is (approved|used): nothing changed", await ResponseAsync("late"));

        var audit = (await env.AuditAsync()).Where(e => e.Resources.Contains(id) && e.Operation is "ApproveCall" or "DenyCall").ToList();
        var decided = Assert.Single(audit, e => e.Decision == "allow");
        Assert.Equal("slack-sre", decided.Principal);
        Assert.Equal("slack", decided.Parameters["source"]);
        Assert.Equal(AirlockEnvironment.SlackSre, decided.Parameters["sourceUser"]);
        Assert.Contains(audit, e => e.Decision == "refuse" && e.Principal == "slack:U0NOBODY01" && e.Parameters["source"] == "slack");
        Assert.Contains(audit, e => e.Decision == "refuse" && e.Principal == "slack-requester" && e.Reason!.Contains("cannot decide your own request"));
        Assert.Contains(audit, e => e.Decision == "refuse" && e.Principal == "slack-sre-2" && e.Reason!.Contains("nothing changed"));
        Assert.Equal(4, audit.Count);
    }

    [Fact]
    public async Task DenyFromSlack_ReachesTheClient_AndKeepsTheTable()
    {
        var (credentials, table) = await TableAsync("slack-deny");
        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await ButtonApprovalIdAsync(table);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Click(AirlockEnvironment.SlackSre, id, "airlock.deny", "deny"), DateTimeOffset.UtcNow)).Status);
        var result = await delete;

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AirlockApprovalDenied", result.All);
        Assert.Contains("denied from Slack by slack-sre", result.All);
        Assert.Contains(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Contains("Denied by slack-sre", await ResponseAsync("deny"));
    }

    private Task<(SessionCredentials Credentials, string Table)> TableAsync(string prefix) => env.SessionWithTableAsync("slack-requester", prefix);

    /// <summary>The approval id on the Approve button of the Slack message about this table's deletion.</summary>
    private async Task<string> ButtonApprovalIdAsync(string table)
    {
        for (var i = 0; i < 80; i++)
        {
            var message = env.Webhooks.Received.FirstOrDefault(r => r.Path == "slack" && r.Body.Contains(table) && r.Body.Contains("\"blocks\""));
            if (message.Body is not null)
            {
                var buttons = JsonNode.Parse(message.Body)!["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
                Assert.Equal(["airlock.approve", "airlock.deny"], buttons.Select(b => b!["action_id"]!.GetValue<string>()));
                return buttons[0]!["value"]!.GetValue<string>();
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"no Slack message with buttons for {table}");
    }

    /// <summary>A block_actions interaction as Slack sends it, answering to <c>/slack-response-NAME</c> on the receiver.</summary>
    private string Click(string slackUser, string approvalId, string actionId, string name)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = slackUser, ["username"] = "someone", ["team_id"] = "T0TEAM" },
            ["team"] = new JsonObject { ["id"] = "T0TEAM" },
            ["response_url"] = $"{env.Webhooks.Url}/slack-response-{name}-{Guid.NewGuid():N}",
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = actionId, ["block_id"] = "airlock.decide", ["value"] = approvalId, ["type"] = "button", ["action_ts"] = "1700000000.000100" }),
        };
        _names[name] = payload["response_url"]!.GetValue<string>()[(env.Webhooks.Url.Length + 1)..];
        return "payload=" + Uri.EscapeDataString(payload.ToJsonString());
    }

    private readonly Dictionary<string, string> _names = [];

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body, DateTimeOffset at, string? secret = AirlockEnvironment.SlackSigningSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, env.Gateway.Url + "/_airlock/slack/interactions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        if (secret is not null)
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
            request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>What Airlock posted to the response URL of the click named <paramref name="name"/>.</summary>
    private async Task<string> ResponseAsync(string name)
    {
        for (var i = 0; i < 50; i++)
        {
            var posted = env.Webhooks.Received.FirstOrDefault(r => r.Path == _names[name]);
            if (posted.Body is not null)
            {
                return posted.Body;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"nothing was posted to the response URL of '{name}'");
    }
}
