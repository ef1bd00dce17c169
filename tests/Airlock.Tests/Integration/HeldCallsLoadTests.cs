using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Airlock.Tests.Integration;

/// <summary>
/// A thousand calls held for review at once on one gateway: they stay held with bounded memory, then
/// all go upstream when approved. Bounded in count and time, loopback only. `bash bench/held-calls.sh`
/// runs it alone and prints the figures.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class HeldCallsLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Calls = 1000;
    private readonly AirlockEnvironment env = new() { HoldSeconds = 300 };

    public Task InitializeAsync() => env.InitializeAsync();

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task ThousandHeldCalls_StayHeldWithBoundedMemory_ThenAllReleaseOnApproval()
    {
        var credentials = await env.NewSessionAsync(subject: "busy-agent");
        var approver = env.Issuer.Mint(subject: "sre-load", groups: ["sre"]);
        using var api = new HttpClient { BaseAddress = new Uri(env.Gateway.Url) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", approver);

        // The path through holding and releasing runs once first, so the figure is what held calls cost a gateway that
        // has served before, not the code compiled and the pools grown the first time any call is held.
        await HoldThenReleaseAsync(api, credentials, 50, "warm");
        var baseline = env.Gateway.ResidentMegabytes();
        var (peak, settled, released) = await HoldThenReleaseAsync(api, credentials, Calls, "load");
        var growth = Math.Max(peak, baseline) - baseline;
        output.WriteLine($"held_calls={Calls} rss_baseline_mb={baseline:F1} rss_peak_while_held_mb={peak:F1} rss_growth_mb={growth:F1} " +
            $"rss_settled_while_held_mb={settled:F1} rss_settled_growth_mb={settled - baseline:F1} approve_and_release_all_s={released.TotalSeconds:F1}");
        Assert.True(growth < 300, $"{growth:F1} MiB for {Calls} held calls");
    }

    /// <summary>
    /// Sends <paramref name="count"/> calls that policy holds, sees every one pending and none answered, approves them all
    /// and checks each went upstream. Settled: resident memory once the held calls have sat quiet, when the gateway has
    /// given back what their arrival left behind (or after 20 s).
    /// </summary>
    private async Task<(double PeakMegabytes, double SettledMegabytes, TimeSpan Released)> HoldThenReleaseAsync(HttpClient api, SessionCredentials credentials, int count, string prefix)
    {
        var calls = Enumerable.Range(0, count).Select(i => SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.DeleteTable", ["content-type"] = "application/x-amz-json-1.0" },
            Encoding.UTF8.GetBytes($$"""{"TableName":"{{prefix}}-{{i}}"}"""))).ToList();

        var pending = new HashSet<string>();
        var peak = 0.0;
        for (var i = 0; i < 600 && pending.Count < count; i++)
        {
            foreach (var approval in (await api.GetFromJsonAsync<JsonElement>("/_airlock/api/approvals?status=pending")).EnumerateArray())
            {
                pending.Add(approval.GetProperty("id").GetString()!);
            }

            peak = Math.Max(peak, env.Gateway.ResidentMegabytes());
            if (pending.Count < count)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(count, pending.Count);
        Assert.DoesNotContain(calls, c => c.IsCompleted);
        peak = Math.Max(peak, env.Gateway.ResidentMegabytes());
        // The gateway gives memory back once it has been quiet for a moment (IdleMemoryTrimmer); the approvals' webhook
        // deliveries may keep it busy for a while first.
        var settled = peak;
        for (var waited = 0; waited < 20 && settled > peak - 16; waited++)
        {
            await Task.Delay(1000);
            settled = env.Gateway.ResidentMegabytes();
        }

        Assert.DoesNotContain(calls, c => c.IsCompleted);

        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
            (await api.PostAsJsonAsync($"/_airlock/api/approvals/{id}/approve", new { reason = "load" })).EnsureSuccessStatusCode());

        var results = await Task.WhenAll(calls);
        var released = DateTime.UtcNow - started;

        // Released means sent upstream: moto answers that these tables do not exist.
        Assert.All(results, r => Assert.Contains("ResourceNotFoundException", r.Body));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.BadRequest, r.Status));
        return (peak, settled, released);
    }
}
