using System.Diagnostics;
using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>`airlock demo` and the lines it prints are all a newcomer needs.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_PrintedLines_LetACurrentAwsCliUseS3ThroughAirlock()
    {
        var dir = Directory.CreateTempSubdirectory("airlock-demo-").FullName;
        var info = new ProcessStartInfo("dotnet", [Tools.AirlockDll, "demo", "--port", MotoServer.FreePort().ToString(), "--data-dir", Path.Combine(dir, "demo"), "--python", Tools.Python])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        using var demo = Process.Start(info)!;
        var printed = new StringBuilder();
        var ready = new TaskCompletionSource();
        demo.OutputDataReceived += (_, e) =>
        {
            lock (printed) { printed.AppendLine(e.Data); }
            if (e.Data?.Trim() == "aws s3 ls") { ready.TrySetResult(); }
        };
        demo.ErrorDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var environment = ProcessRunner.SafeAwsEnvironment(dir);
            foreach (var line in printed.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("export ", StringComparison.Ordinal)))
            {
                var assignment = line["export ".Length..];
                var eq = assignment.IndexOf('=');
                environment[assignment[..eq]] = assignment[(eq + 1)..];
            }

            Assert.StartsWith("http://127.0.0.1:", environment["AWS_ENDPOINT_URL"]);
            var mb = await ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", "s3", "mb", "s3://newcomer-bucket"], environment);
            Assert.True(mb.ExitCode == 0, mb + "\n" + printed);
            var ls = await ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", "s3", "ls"], environment);
            Assert.True(ls.ExitCode == 0, ls.ToString());
            Assert.Contains("newcomer-bucket", ls.StdOut);
            var rb = await ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", "s3", "rb", "s3://newcomer-bucket"], environment);
            Assert.Contains("AccessDenied", rb.All);
        }
        finally
        {
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync();
        }
    }
}
