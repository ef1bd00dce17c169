using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>Calls held for review (a DynamoDB DeleteTable, which the test policy sends to group sre), and approvers deciding them.</summary>
public static class HeldCalls
{
    public static Task<(System.Net.HttpStatusCode Status, string Body)> DeleteTableAsync(string gateway, SessionCredentials credentials, string table) =>
        SignedHttp.SendAsync(gateway, credentials, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.DeleteTable", ["content-type"] = "application/x-amz-json-1.0" },
            Encoding.UTF8.GetBytes($$"""{"TableName":"{{table}}"}"""));

    /// <summary>An approver of group sre, on the approvals API of <paramref name="gateway"/>.</summary>
    public static HttpClient ApproverApi(AirlockEnvironment env, string gateway, string subject)
    {
        var api = new HttpClient { BaseAddress = new Uri(gateway) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", env.Issuer.Mint(subject: subject, groups: ["sre"]));
        return api;
    }

    /// <summary>The pending approval of the DeleteTable of <paramref name="table"/>, once listed.</summary>
    public static async Task<string> PendingIdAsync(HttpClient api, string table)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await api.GetFromJsonAsync<JsonElement>("/_airlock/api/approvals?status=pending")).EnumerateArray()
                .FirstOrDefault(a => a.GetProperty("resources").EnumerateArray().Any(r => r.GetString()!.EndsWith("table/" + table, StringComparison.Ordinal)))
                is { ValueKind: JsonValueKind.Object } found)
            {
                return found.GetProperty("id").GetString()!;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no pending approval for {table}");
    }

    public static async Task ApproveAsync(HttpClient api, string id, string reason) =>
        (await api.PostAsJsonAsync($"/_airlock/api/approvals/{id}/approve", new { reason })).EnsureSuccessStatusCode();
}
