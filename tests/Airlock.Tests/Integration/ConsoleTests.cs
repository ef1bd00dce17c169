using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The console in real headless Chromium: login through the test issuer's authorization code flow with PKCE, a real
/// AWS CLI call held for review appearing in the approver's inbox without a reload, approve and deny from the page,
/// an auditor who sees but cannot decide, and the protections (antiforgery, Content-Security-Policy, no inline script).
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed partial class ConsoleTests(AirlockEnvironment env) : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task AnApprover_LogsInWithPkce_SeesTheHeldCallArriveLive_AndApprovingItCompletesTheCallUpstream()
    {
        var page = await LoginAsync("console-sre", "sre");
        Assert.Contains(env.Issuer.CodeExchanges, e => e.ClientId == AirlockEnvironment.ConsoleClientId && e.VerifierMatched);
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var (credentials, table) = await TableAsync("console-ok");

        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var card = await CardAsync(page, table);
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the inbox reloaded instead of updating in place");
        Assert.Contains("console-agent", await card.InnerTextAsync());
        await Screenshot(page, "approvals");
        await card.Locator("button.approve").ClickAsync();
        await page.Locator(".notice").WaitForAsync();
        var result = await delete;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Contains("approved", await page.Locator(".notice").InnerTextAsync());
        var id = await ApprovalIdAsync(table);
        var audit = await env.AuditAsync();
        Assert.Contains(audit, e => e.Operation == "ApproveCall" && e.Resources.Contains(id) && e.Principal == "console-sre" && e.Decision == "allow" && e.Parameters["source"] == "console");
        Assert.Contains(audit, e => e.Operation == "ConsoleLogin" && e.Principal == "console-sre" && e.Parameters["source"] == "console");
    }

    [Fact]
    public async Task DenyWithAReason_ReachesTheClient()
    {
        var page = await LoginAsync("console-sre-2", "sre");
        var (credentials, table) = await TableAsync("console-deny");

        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var card = await CardAsync(page, table);
        await card.Locator("input[name=reason]").FillAsync("that table feeds the invoices");
        await card.Locator("button.deny").ClickAsync();
        var result = await delete;

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AirlockApprovalDenied", result.All);
        Assert.Contains("that table feeds the invoices", result.All);
        Assert.Contains(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
    }

    [Fact]
    public async Task AnAuditor_SeesTheHeldCall_ButHasNoApproveControl_AndAForgedPostIsRefused()
    {
        var (credentials, table) = await TableAsync("console-audit");
        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await ApprovalIdAsync(table);
        var page = await LoginAsync("console-auditor", "auditors");
        var card = await CardAsync(page, table);

        Assert.Equal(0, await card.Locator("button.approve").CountAsync());
        Assert.Equal(0, await page.Locator("form.approve, form.deny").CountAsync());
        // With the auditor's own valid antiforgery token: only the role check can refuse it.
        var forged = await ApproveByHandAsync(page, id, withToken: true);
        Assert.Contains(forged.Status, new[] { 302, 403 });
        Assert.DoesNotContain("handler=", forged.Headers.GetValueOrDefault("location") ?? "");

        await Task.Delay(300);
        Assert.Contains(await PendingIdsAsync(), p => p == id);
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "ApproveCall" && e.Resources.Contains(id) && e.Principal == "console-auditor" && e.Decision == "refuse");
        await DecideWithTheApiAsync(id);
        await delete;

        // Search, open a record, replay its session, export, verify.
        await page.GotoAsync(env.Gateway.Url + "/console/audit");
        await page.Locator("input[name=Text]").FillAsync(table);
        await page.Locator("select[name=Decision]").SelectOptionAsync("review");
        await page.Locator(".filters button").ClickAsync();
        var row = page.Locator("table.records tbody tr", new() { HasText = "dynamodb:DeleteTable" });
        Assert.Equal(1, await row.CountAsync());
        await Screenshot(page, "audit");
        await row.Locator("a").ClickAsync();
        await page.Locator("pre.json").WaitForAsync();
        Assert.Contains(table, await page.Locator("pre.json").InnerTextAsync());
        await Screenshot(page, "audit-record");
        await page.Locator("a.replay").ClickAsync();
        var timeline = page.Locator("ol.timeline li");
        await timeline.First.WaitForAsync();
        var steps = await timeline.AllInnerTextsAsync();
        Assert.Contains(steps, t => t.Contains("dynamodb:CreateTable") && t.Contains("allow"));
        Assert.Contains(steps, t => t.Contains("dynamodb:DeleteTable") && t.Contains("review") && t.Contains(id));
        Assert.Contains(steps, t => t.Contains("DenyCall") && t.Contains("test over"));
        Assert.True(steps.ToList().FindIndex(t => t.Contains("dynamodb:CreateTable")) < steps.ToList().FindIndex(t => t.Contains("dynamodb:DeleteTable")));
        await Screenshot(page, "replay");

        var export = await page.APIRequest.GetAsync(env.Gateway.Url + "/console/audit?handler=Export&text=" + Uri.EscapeDataString(table));
        Assert.Equal(200, export.Status);
        var lines = (await export.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains(table, System.Text.Json.JsonDocument.Parse(l).RootElement.GetRawText()));

        await page.GotoAsync(env.Gateway.Url + "/console/audit?handler=Verify");
        Assert.StartsWith("Chain intact:", (await page.Locator("#chain").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task AnApproverWhoIsNotAnAuditor_CannotReadTheAuditTrail()
    {
        var page = await LoginAsync("console-sre-5", "sre");

        var response = await page.GotoAsync(env.Gateway.Url + "/console/audit");

        Assert.Equal(403, response!.Status);
        Assert.Equal(0, await page.Locator("table.records").CountAsync());
        Assert.Equal(0, await page.Locator("nav a[href='/console/audit']").CountAsync());
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused_AndNothingIsDecided()
    {
        var (credentials, table) = await TableAsync("console-csrf");
        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await ApprovalIdAsync(table);
        var page = await LoginAsync("console-sre-3", "sre");

        var forged = await ApproveByHandAsync(page, id, withToken: false);

        Assert.Equal(400, forged.Status);
        Assert.Contains(await PendingIdsAsync(), p => p == id);
        await DecideWithTheApiAsync(id);
        await delete;
    }

    [Fact]
    public async Task EveryPage_CarriesAStrictContentSecurityPolicy_AndNoInlineScriptRuns()
    {
        var page = await LoginAsync("console-sre-4", "sre");
        var response = await page.GotoAsync(env.Gateway.Url + "/console/approvals");

        var headers = response!.Headers;
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            headers["content-security-policy"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.DoesNotMatch(InlineScript(), await page.ContentAsync());
        var cookies = await page.Context.CookiesAsync();
        Assert.All(cookies.Where(c => c.Name.StartsWith("airlock-console", StringComparison.Ordinal)), c => Assert.True(c.HttpOnly && c.Path == "/console"));

        // Script added to the page at run time, inline or as a handler, is blocked by the policy.
        await page.EvaluateAsync("""
            () => {
              const s = document.createElement('script');
              s.textContent = 'window.inlineRan = true';
              document.body.appendChild(s);
              document.body.insertAdjacentHTML('beforeend', '<img src="/nothing" onerror="window.handlerRan = true">');
            }
            """);
        await Task.Delay(500);
        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.handlerRan === true"));
    }

    [Fact]
    public async Task AnAdmin_RevokesASession_AndItsNextAwsCallIsRefused_WhileAnAuditorHasNoRevokeControl()
    {
        var credentials = await env.NewSessionAsync(subject: "console-revoked-agent");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
        var auditor = await LoginAsync("console-auditor-2", "auditors");
        await auditor.GotoAsync(env.Gateway.Url + "/console/sessions");
        var seen = auditor.Locator("tr", new() { HasText = "console-revoked-agent" });
        Assert.Equal(1, await seen.CountAsync());
        Assert.Equal(0, await seen.Locator("button").CountAsync());

        var admin = await LoginAsync("console-admin", "security-admins");
        await admin.GotoAsync(env.Gateway.Url + "/console/sessions");
        await Screenshot(admin, "sessions");
        await admin.Locator("tr", new() { HasText = "console-revoked-agent" }).Locator("button").ClickAsync();
        await admin.Locator(".notice").WaitForAsync();

        Assert.NotEqual(0, (await env.CliV2Async(credentials, "s3api", "list-buckets")).ExitCode);
        Assert.Equal(0, await admin.Locator("tr", new() { HasText = "console-revoked-agent" }).CountAsync());
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "RevokeSession" && e.Principal == "console-admin" && e.Parameters["source"] == "console");
    }

    [Fact]
    public async Task AGrantRequestedInTheConsole_IsApprovedByAGrantApprover_ThenRevoked_NeverByItsRequester()
    {
        var requester = await LoginAsync("console-grant-requester", "auditors");
        await requester.GotoAsync(env.Gateway.Url + "/console/grants");
        await requester.Locator("details.request summary").ClickAsync();
        await requester.Locator("input[name=actions]").FillAsync("dynamodb:DeleteItem");
        await requester.Locator("input[name=minutes]").FillAsync("15");
        await requester.Locator("input[name=reason]").FillAsync("clean up test rows");
        await requester.Locator("details.request button").ClickAsync();
        var notice = await requester.Locator(".notice").InnerTextAsync();
        var id = Regex.Match(notice, "grt-[0-9a-f]+").Value;
        Assert.NotEmpty(id);
        Assert.Equal(0, await requester.Locator($"tr[data-grant={id}] button.approve").CountAsync());

        var approver = await LoginAsync("console-grant-approver", "sre");
        await approver.GotoAsync(env.Gateway.Url + "/console/grants");
        await approver.Locator($"tr[data-grant={id}] button.approve").ClickAsync();
        await approver.Locator(".notice").WaitForAsync();
        Assert.StartsWith("approved", await approver.Locator($"tr[data-grant={id}] td.status").InnerTextAsync());
        await Screenshot(approver, "grants");
        await approver.Locator($"tr[data-grant={id}] button.deny").ClickAsync();
        await approver.Locator(".notice").WaitForAsync();

        Assert.StartsWith("revoked", await approver.Locator($"tr[data-grant={id}] td.status").InnerTextAsync());
        var records = (await env.AuditAsync()).Where(e => e.Resources.Contains(id)).ToList();
        Assert.Equal(["RequestGrant", "ApproveGrant", "RevokeGrant"], records.Select(e => e.Operation));
        Assert.All(records, e => Assert.Equal("console", e.Parameters["source"]));
    }

    [Fact]
    public async Task AnAuditor_ExplainsACall_AndTestsACandidatePolicyAgainstTheRecordedCalls_ButCannotIncludeTheServersFiles()
    {
        await TableAsync("console-policy");
        var page = await LoginAsync("console-auditor-3", "auditors");
        await page.GotoAsync(env.Gateway.Url + "/console/policy");
        Assert.Contains("DropsNeedAnSre", await page.Locator("table.statements").InnerTextAsync());

        await page.Locator("input[name='Explain.Groups']").FillAsync("agents");
        await page.Locator("input[name='Explain.Action']").FillAsync("dynamodb:DeleteTable");
        await page.Locator("input[name='Explain.Resources']").FillAsync("arn:aws:dynamodb:us-east-1:123456789012:table/orders");
        await page.Locator("form.explain button").ClickAsync();
        var explained = await page.Locator("#explained").InnerTextAsync();
        Assert.Contains("Decision: review", explained);
        Assert.Contains("DropsNeedAnSre", explained);

        await page.Locator("textarea[name=Candidate]").FillAsync("""
            Statement:
              - Sid: OnlyReads
                Effect: Allow
                Principal: { Group: [agents] }
                Action: ["dynamodb:Describe*", "dynamodb:List*", "dynamodb:Get*", "s3:List*", "s3:Get*"]
                Resource: "*"
            """);
        await page.Locator("form.candidate button").ClickAsync();
        var tested = await page.Locator("#tested").InnerTextAsync();
        Assert.Matches(@"[1-9][0-9]* recorded calls replayed, [1-9][0-9]* would change", tested);
        Assert.Contains("dynamodb:CreateTable", await page.Locator("table.changes").InnerTextAsync());
        await Screenshot(page, "policy");

        await page.Locator("textarea[name=Candidate]").FillAsync("Include: [/etc/passwd]\nStatement: []\n");
        await page.Locator("form.candidate button").ClickAsync();
        Assert.Contains("Include of a file is not allowed here", await page.Locator("ul.problem").InnerTextAsync());
        Assert.DoesNotContain("root:", await page.ContentAsync());
    }

    [Fact]
    public async Task OnAPhone_TheInboxFitsTheScreen_AndApprovingWorks()
    {
        var page = await LoginAsync("console-sre-phone", "sre", new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2 });
        var (credentials, table) = await TableAsync("console-phone");

        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var card = await CardAsync(page, table);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the inbox scrolls sideways on a phone");
        await Screenshot(page, "approvals-phone");
        await card.Locator("button.approve").TapAsync();
        await page.Locator(".notice").WaitForAsync();

        Assert.Equal(0, (await delete).ExitCode);
    }

    [Fact]
    public async Task ARequester_SeesTheirOwnHeldCall_WithNoControl_AndCannotApproveItByHand()
    {
        var (credentials, table) = await TableAsync("console-self");
        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await ApprovalIdAsync(table);
        var page = await LoginAsync("console-agent", "sre");
        var card = await CardAsync(page, table);

        Assert.Equal(0, await card.Locator("form").CountAsync());
        Assert.Contains("Your own request", await card.InnerTextAsync());
        var forged = await ApproveByHandAsync(page, id, withToken: true);

        Assert.Equal(302, forged.Status);
        Assert.Contains(await PendingIdsAsync(), p => p == id);
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "ApproveCall" && e.Resources.Contains(id) && e.Principal == "console-agent"
            && e.Decision == "refuse" && e.Reason!.Contains("cannot decide your own request") && e.Parameters["source"] == "console");
        await DecideWithTheApiAsync(id);
        await delete;
    }

    /// <summary>A new browser context (no cookies) logged in to the console through the issuer's login page.</summary>
    private async Task<IPage> LoginAsync(string subject, string groups, BrowserNewContextOptions? device = null)
    {
        var context = await _browser.NewContextAsync(device ?? new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(env.Gateway.Url + "/console");
        await page.Locator("#subject").FillAsync(subject);
        await page.Locator("#groups").FillAsync(groups);
        await page.Locator("#login").ClickAsync();
        await page.WaitForURLAsync(new Regex("/console/approvals$"));
        return page;
    }

    private Task<(SessionCredentials Credentials, string Table)> TableAsync(string prefix) => env.SessionWithTableAsync("console-agent", prefix);

    /// <summary>The id of the approval opened for this table's deletion, from the approvals API as an sre.</summary>
    private async Task<string> ApprovalIdAsync(string table)
    {
        for (var i = 0; i < 100; i++)
        {
            var list = await ApiAsync(HttpMethod.Get, "/_airlock/api/approvals");
            var match = Regex.Match(list, $"\"id\":\"(apr-[^\"]+)\"[^{{}}]*?table/{Regex.Escape(table)}");
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"no approval for {table}");
    }

    private async Task<IEnumerable<string>> PendingIdsAsync() =>
        Regex.Matches(await ApiAsync(HttpMethod.Get, "/_airlock/api/approvals?status=pending"), "\"id\":\"(apr-[^\"]+)\"").Select(m => m.Groups[1].Value);

    /// <summary>Releases the held call (denied), so the test leaves no call waiting.</summary>
    private Task DecideWithTheApiAsync(string id) => ApiAsync(HttpMethod.Post, $"/_airlock/api/approvals/{id}/deny", "{\"reason\":\"test over\"}");

    private async Task<string> ApiAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, env.Gateway.Url + path);
        request.Headers.Authorization = new("Bearer", env.Issuer.Mint(subject: "console-api-sre", groups: ["sre"]));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The held call's card in the inbox, once it has arrived.</summary>
    private static async Task<ILocator> CardAsync(IPage page, string table)
    {
        var card = page.Locator("article.approval", new() { HasText = table });
        await card.WaitForAsync(new() { Timeout = 15_000 });
        return card;
    }

    /// <summary>
    /// An approve POST built by hand, in the page's session, not through its controls: with the user's own valid
    /// antiforgery token (from the logout form every page has), or with none.
    /// </summary>
    private async Task<IAPIResponse> ApproveByHandAsync(IPage page, string id, bool withToken)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("id", id);
        if (withToken)
        {
            form.Set("__RequestVerificationToken", (await page.Locator("form.who input[name=__RequestVerificationToken]").GetAttributeAsync("value"))!);
        }

        return await page.APIRequest.PostAsync(env.Gateway.Url + "/console/approvals?handler=Approve", new() { Form = form, MaxRedirects = 0 });
    }

    /// <summary>A screenshot for docs/console/ when AIRLOCK_CONSOLE_SCREENSHOTS names a folder; else into the test's work folder.</summary>
    private async Task Screenshot(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("AIRLOCK_CONSOLE_SCREENSHOTS") ?? Path.Combine(env.WorkDir, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    // A <script> element with a body, i.e. not one that only names its src.
    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>\s*\S", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
