using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Airlock.Tests.Integration;

/// <summary>
/// Three gateway nodes on one PostgreSQL (<c>store.postgresql</c>, a server of this class's own on loopback), sharing
/// nothing else: a session issued on one is used on the others, a revocation anywhere refuses the session's next call
/// everywhere, and a call held on one node is released when it is approved through another.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class SharedStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private AirlockEnvironment _env = null!;
    private GatewayProcess _node2 = null!;
    private GatewayProcess _node3 = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        _env = new AirlockEnvironment { StorePostgresql = await _server.NewDatabaseAsync("shared"), HoldSeconds = 20 };
        await _env.InitializeAsync();
        // Started together: each applies the missing migrations at start, one at a time under the advisory lock.
        var starting = new[] { _env.StartSecondGatewayAsync("node2"), _env.StartSecondGatewayAsync("node3") };
        try
        {
            var nodes = await Task.WhenAll(starting);
            (_node2, _node3) = (nodes[0], nodes[1]);
        }
        catch
        {
            // xunit does not dispose a class that failed to start: stop what did start.
            foreach (var node in starting.Where(t => t.IsCompletedSuccessfully))
            {
                node.Result.Dispose();
            }

            await _env.DisposeAsync();
            await _server.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        _node2.Dispose();
        _node3.Dispose();
        await _env.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ASessionIssuedOnOneNode_WorksOnTheOthers_AndARevocationOnOneRefusesItsNextCallOnTheOthers()
    {
        var credentials = await _env.NewSessionAsync(subject: "roaming-agent");

        foreach (var node in new[] { _node2.Url, _node3.Url, _env.Gateway.Url })
        {
            var listed = await _env.CliV2AtAsync(node, credentials, "dynamodb", "list-tables");
            Assert.True(listed.ExitCode == 0, $"{node}: {listed}");
        }

        // What the store keeps of the session does not let anyone sign as it.
        await using (var connection = new Npgsql.NpgsqlConnection(_env.StorePostgresql))
        {
            await connection.OpenAsync();
            await using var read = new Npgsql.NpgsqlCommand($"SELECT secret_access_key FROM sessions WHERE access_key_id = '{credentials.AccessKeyId}'", connection);
            var stored = (string)(await read.ExecuteScalarAsync())!;
            Assert.StartsWith("sealed:v1:", stored);
            Assert.DoesNotContain(credentials.SecretAccessKey, stored);
        }

        var revoke = await _env.AirlockAsync("sessions", "revoke", credentials.AccessKeyId);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());

        var refused = await _env.CliV2AtAsync(_node3.Url, credentials, "dynamodb", "list-tables");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("revoked", refused.StdErr);
        Assert.Contains(await _env.AuditAsync(), e => e.AccessKeyId == credentials.AccessKeyId && e.Decision == "refuse" && e.Reason!.Contains("revoked"));

        // Each node sweeps for ended sessions every 2 s, one at a time: the end is recorded once, not once per node.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(await _env.AuditAsync(), e => e.AccessKeyId == credentials.AccessKeyId && e.Operation == "SessionRevoked");
    }

    [Fact]
    public async Task ACallHeldOnOneNode_ApprovedThroughAnother_IsReleasedOnce()
    {
        var (credentials, table) = await _env.SessionWithTableAsync("held-agent", "shared-held", _node2.Url);
        var sre = Path.Combine(_env.WorkDir, "shared-sre.jwt");
        await File.WriteAllTextAsync(sre, _env.Issuer.Mint(subject: "sre-shared", groups: ["sre"]));

        var delete = _env.CliV2AtAsync(_node2.Url, credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await PendingApprovalAsync(_node3.Url, sre, table);
        var approve = await ApprovalsAsync(_node3.Url, sre, "approve", id);
        var deleted = await delete;

        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain(table, (await _env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Single(await _env.AuditAsync(), e => e.Operation == "DeleteTable" && e.Decision == "allow" && e.Reason!.Contains($"approved in {id} by sre-shared"));

        var verify = await _env.AirlockAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task AConsoleSessionStartedOnOneNode_HoldsOnAnother_WhereItApprovesACallHeldOnAThird()
    {
        var (credentials, table) = await _env.SessionWithTableAsync("console-shared-agent", "shared-console", _node2.Url);
        var (playwright, browser) = await HeadlessChromium.LaunchAsync();
        try
        {
            // Cookies go by host, not port: the session the first node set is what the third node is handed.
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            await page.GotoAsync(_env.Gateway.Url + "/console");
            await page.Locator("#subject").FillAsync("console-shared-sre");
            await page.Locator("#groups").FillAsync("sre");
            await page.Locator("#login").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/console/approvals$"));

            var delete = _env.CliV2AtAsync(_node2.Url, credentials, "dynamodb", "delete-table", "--table-name", table);
            await page.GotoAsync(_node3.Url + "/console/approvals");
            var card = page.Locator("article.approval", new() { HasText = table });
            await card.WaitForAsync(new() { Timeout = 15_000 });
            await card.Locator("button.approve").ClickAsync();
            await page.Locator(".notice").WaitForAsync();
            var deleted = await delete;

            Assert.True(deleted.ExitCode == 0, deleted.ToString());
            Assert.StartsWith(_node3.Url, page.Url);
            Assert.Contains(await _env.AuditAsync(), e => e.Operation == "ApproveCall" && e.Principal == "console-shared-sre" && e.Parameters["source"] == "console");
            await using var connection = new Npgsql.NpgsqlConnection(_env.StorePostgresql);
            await connection.OpenAsync();
            await using var read = new Npgsql.NpgsqlCommand("SELECT sealed_xml FROM console_keys", connection);
            var stored = (string)(await read.ExecuteScalarAsync())!;
            Assert.StartsWith("sealed:v1:", stored);
            Assert.DoesNotContain("<masterKey", stored);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task FiftyCallsHeldOnOneNode_ApprovedThroughAnother_AreEachReleasedOnce_AndTheDelayIsReported()
    {
        var credentials = await _env.NewSessionAsync(subject: "timed-agent", gateway: _node2.Url);
        using var api = ApproverApi(_node3.Url, "sre-timer");
        var delays = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var (result, delay) = await HoldAndApproveAsync(credentials, api, AirlockEnvironment.UniqueName("release"));
            Assert.Contains("ResourceNotFoundException", result);
            delays.Add(delay);
        }

        delays.Sort();
        output.WriteLine($"release delay, held on node 2, approved through node 3, 50 approvals: p50 {delays[24]:F1} ms, p99 {delays[^1]:F1} ms");
        var released = (await _env.AuditAsync()).Where(e => e.Principal == "timed-agent" && e.Operation == "DeleteTable" && e.Decision == "allow").ToList();
        Assert.Equal(50, released.Count);
        Assert.Equal(50, released.Select(e => e.Reason).Distinct().Count());
    }

    [Fact]
    public async Task AHundredWebhookEventsOnThreeNodes_AreEachDeliveredOnce()
    {
        // 50 calls held across the nodes and approved through the next one: 50 requested and 50 decided events, each
        // for both webhooks (the first send to /flaky fails and is retried), while every node polls the outbox.
        var nodes = new[] { _env.Gateway.Url, _node2.Url, _node3.Url };
        var credentials = await _env.NewSessionAsync(subject: "notified-agent");
        var tables = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            using var api = ApproverApi(nodes[(i + 1) % 3], "sre-notified");
            var table = AirlockEnvironment.UniqueName("notified");
            tables.Add(table);
            var (result, _) = await HoldAndApproveAsync(credentials, api, table, nodes[i % 3]);
            Assert.Contains("ResourceNotFoundException", result);
        }

        List<(string Event, string Table)> Sent(string path) => _env.Webhooks.Received.Where(r => r.Path == path)
            .Select(r => (Event: r.Body.Contains("approval.requested") || r.Body.Contains("(pending)") ? "requested" : "decided",
                Table: tables.SingleOrDefault(t => r.Body.Contains("table/" + t)) ?? ""))
            .Where(e => e.Table != "").ToList();
        for (var i = 0; i < 300 && (Sent("flaky").Count < 100 || Sent("slack").Count < 100); i++)
        {
            await Task.Delay(100);
        }

        // Longer than a poll of every node: a second delivery would have come by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var path in new[] { "flaky", "slack" })
        {
            var sent = Sent(path);
            Assert.Equal(100, sent.Count);
            Assert.Equal(100, sent.Distinct().Count());
        }

        var ids = _env.Webhooks.Received.Where(r => r.Path == "flaky").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task TheNotificationConnectionDropped_ADecisionStillReachesTheHeldCall()
    {
        var credentials = await _env.NewSessionAsync(subject: "unheard-agent", gateway: _node2.Url);
        using var api = ApproverApi(_node3.Url, "sre-unheard");
        var database = _env.StorePostgresql!.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        await _server.ExecuteAsync(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");

        var (result, _) = await HoldAndApproveAsync(credentials, api, AirlockEnvironment.UniqueName("unheard"));

        Assert.Contains("ResourceNotFoundException", result);
    }

    [Fact]
    public async Task ANodeStoppedWhileHoldingACall_HandsItBack_AndItsRetryOnAnotherNodeRunsOnceApproved()
    {
        var held = await HoldOnNode2Async("handed-agent");

        Assert.Equal(0, await _node2.StopAsync());
        var handedBack = await held.Call;

        // Not the pending answer of a hold that ran out (403): a retryable 503, before anyone decided.
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, handedBack.Status);
        Assert.Contains($"This Airlock node is stopping. dynamodb:DeleteTable is still waiting for approval {held.ApprovalId}", handedBack.Body);
        await RetryOnNode3Async(held);
    }

    [Fact]
    public async Task ANodeKilledWhileHoldingACall_ItsRetryOnAnotherNodeFindsTheSameApproval_AndRunsOnceApproved()
    {
        var held = await HoldOnNode2Async("orphaned-agent");

        _node2.Dispose();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => held.Call);
        await RetryOnNode3Async(held);
    }

    /// <summary>A DeleteTable (of a table that does not exist) held on node 2, its approval to be decided through node 3.</summary>
    private sealed record HeldDelete(
        string Subject, SessionCredentials Credentials, HttpClient Api, string Table, string ApprovalId, Task<(System.Net.HttpStatusCode Status, string Body)> Call);

    private async Task<HeldDelete> HoldOnNode2Async(string subject)
    {
        var credentials = await _env.NewSessionAsync(subject: subject, gateway: _node2.Url);
        var api = ApproverApi(_node3.Url, "sre-" + subject);
        var table = AirlockEnvironment.UniqueName(subject);
        var call = HeldCalls.DeleteTableAsync(_node2.Url, credentials, table);
        return new HeldDelete(subject, credentials, api, table, await HeldCalls.PendingIdAsync(api, table), call);
    }

    /// <summary>The SDK's retry, which the load balancer sends to another node: held on the same approval, and run once approved.</summary>
    private async Task RetryOnNode3Async(HeldDelete held)
    {
        using var api = held.Api;
        var retried = HeldCalls.DeleteTableAsync(_node3.Url, held.Credentials, held.Table);
        await Task.Delay(500);
        Assert.Equal(held.ApprovalId, await HeldCalls.PendingIdAsync(api, held.Table));
        (await api.PostAsJsonAsync($"/_airlock/api/approvals/{held.ApprovalId}/approve", new { reason = "retried elsewhere" })).EnsureSuccessStatusCode();
        Assert.Contains("ResourceNotFoundException", (await retried).Body);
        Assert.Single(await _env.AuditAsync(), e => e.Principal == held.Subject && e.Operation == "DeleteTable" && e.Decision == "allow");
    }

    /// <summary>A DeleteTable held on node 2, approved through <paramref name="api"/>: its answer, and how long after the approval it came.</summary>
    private async Task<(string Body, double DelayMs)> HoldAndApproveAsync(SessionCredentials credentials, HttpClient api, string table, string? gateway = null)
    {
        var call = HeldCalls.DeleteTableAsync(gateway ?? _node2.Url, credentials, table);
        var id = await HeldCalls.PendingIdAsync(api, table);
        Assert.False(call.IsCompleted);
        (await api.PostAsJsonAsync($"/_airlock/api/approvals/{id}/approve", new { reason = "timed" })).EnsureSuccessStatusCode();
        var decided = Stopwatch.GetTimestamp();
        var result = await call;
        return (result.Body, Stopwatch.GetElapsedTime(decided).TotalMilliseconds);
    }

    private HttpClient ApproverApi(string gateway, string subject) => HeldCalls.ApproverApi(_env, gateway, subject);

    private static Task<ProcessResult> ApprovalsAsync(string gateway, string tokenFile, string verb, string id) =>
        ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, "approvals", verb, id, "--gateway", gateway, "--token-file", tokenFile], new Dictionary<string, string?>());

    private static async Task<string> PendingApprovalAsync(string gateway, string tokenFile, string table)
    {
        for (var i = 0; i < 60; i++)
        {
            var list = await ProcessRunner.RunAsync("dotnet",
                [Tools.AirlockDll, "approvals", "list", "--status", "pending", "--gateway", gateway, "--token-file", tokenFile], new Dictionary<string, string?>());
            if (list.StdOut.Split('\n').FirstOrDefault(l => l.Contains($"table/{table}")) is { } line)
            {
                return line.Split(' ')[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no pending approval for {table}");
    }
}
