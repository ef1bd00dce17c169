using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>`airlock demo` and the lines it prints are all a newcomer needs.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_PrintedLines_LetACurrentAwsCliUseS3ThroughAirlock()
    {
        await using var demo = await DemoRun.StartAsync();
        var environment = demo.Environment;

        Assert.StartsWith("http://127.0.0.1:", environment["AWS_ENDPOINT_URL"]);
        var mb = await demo.AwsAsync("s3", "mb", "s3://newcomer-bucket");
        Assert.True(mb.ExitCode == 0, mb + "\n" + demo.Printed);
        var ls = await demo.AwsAsync("s3", "ls");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("newcomer-bucket", ls.StdOut);
        var rb = await demo.AwsAsync("s3", "rb", "s3://newcomer-bucket");
        Assert.Contains("AccessDenied", rb.All);
    }

    [Fact]
    public async Task TheDemoApprover_LogsInToTheConsole_AndApprovesTheDemoAgentsHeldCall_WhichTheAuditorCannot()
    {
        await using var demo = await DemoRun.StartAsync();
        var (playwright, browser) = await HeadlessChromium.LaunchAsync();
        try
        {
            var console = Regex.Match(demo.Printed, @"The console: (\S+)").Groups[1].Value;
            Assert.StartsWith("http://127.0.0.1:", console);
            Assert.Equal(0, (await demo.AwsAsync("dynamodb", "create-table", "--table-name", "newcomer-table", "--attribute-definitions", "AttributeName=k,AttributeType=S",
                "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
            var drop = demo.AwsAsync("dynamodb", "delete-table", "--table-name", "newcomer-table");

            var auditor = await (await browser.NewContextAsync()).NewPageAsync();
            await auditor.GotoAsync(console);
            Assert.Contains("DEMO ONLY", await auditor.ContentAsync());
            await auditor.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Demo auditor" }).ClickAsync();
            var seen = auditor.Locator("article.approval", new() { HasText = "newcomer-table" });
            await seen.WaitForAsync(new() { Timeout = 20_000 });
            Assert.Equal(0, await seen.Locator("button.approve").CountAsync());

            var approver = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } })).NewPageAsync();
            await approver.GotoAsync(console);
            await Screenshot(approver, "demo-login");
            await approver.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Demo approver" }).ClickAsync();
            var card = approver.Locator("article.approval", new() { HasText = "newcomer-table" });
            await card.WaitForAsync(new() { Timeout = 20_000 });
            Assert.Contains("demo-agent", await card.InnerTextAsync());
            await card.Locator("button.approve").ClickAsync();
            await approver.Locator(".notice").WaitForAsync();
            var result = await drop;

            Assert.True(result.ExitCode == 0, result + "\n" + demo.Printed);
            Assert.DoesNotContain("newcomer-table", (await demo.AwsAsync("dynamodb", "list-tables")).StdOut);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task Screenshot(Microsoft.Playwright.IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("AIRLOCK_CONSOLE_SCREENSHOTS") is { } folder)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    /// <summary>`airlock demo` running in a folder of its own, and the environment its printed lines set.</summary>
    private sealed class DemoRun : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _printed = new();

        private DemoRun(Process process, string dir)
        {
            _process = process;
            Dir = dir;
        }

        public string Dir { get; }

        public Dictionary<string, string?> Environment { get; } = [];

        public string Printed
        {
            get
            {
                lock (_printed)
                {
                    return _printed.ToString();
                }
            }
        }

        public static async Task<DemoRun> StartAsync()
        {
            var dir = Directory.CreateTempSubdirectory("airlock-demo-").FullName;
            var info = new ProcessStartInfo("dotnet", [Tools.AirlockDll, "demo", "--port", MotoServer.FreePort().ToString(), "--data-dir", Path.Combine(dir, "demo"), "--python", Tools.Python])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir,
            };
            var run = new DemoRun(Process.Start(info)!, dir);
            var ready = new TaskCompletionSource();
            run._process.OutputDataReceived += (_, e) =>
            {
                lock (run._printed) { run._printed.AppendLine(e.Data); }
                if (e.Data?.Trim() == "aws s3 ls") { ready.TrySetResult(); }
            };
            run._process.ErrorDataReceived += (_, e) => { lock (run._printed) { run._printed.AppendLine(e.Data); } };
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var (name, value) in ProcessRunner.SafeAwsEnvironment(dir))
            {
                run.Environment[name] = value;
            }

            foreach (var line in run.Printed.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("export ", StringComparison.Ordinal)))
            {
                var assignment = line["export ".Length..];
                var eq = assignment.IndexOf('=');
                run.Environment[assignment[..eq]] = assignment[(eq + 1)..];
            }

            return run;
        }

        /// <summary>AWS CLI v1 (which reads AWS_ENDPOINT_URL) with the printed environment.</summary>
        public Task<ProcessResult> AwsAsync(params string[] args) => ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", .. args], Environment);

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
