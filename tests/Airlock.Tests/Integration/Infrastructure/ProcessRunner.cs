using System.Diagnostics;
using System.Text;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>The outcome of running a real client.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + "\n" + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Runs a real program with a clean, loopback-only AWS environment.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Variables every AWS client gets: no metadata service, no user config or credential files,
    /// so nothing can fall through to a public AWS endpoint or to the developer's own keys.
    /// </summary>
    public static Dictionary<string, string?> SafeAwsEnvironment(string home) => new()
    {
        ["HOME"] = home,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(home, "no-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "no-credentials"),
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_PAGER"] = "",
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_STS"] = null,
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
        ["AWS_ROLE_ARN"] = null,
        ["HTTP_PROXY"] = null,
        ["HTTPS_PROXY"] = null,
        ["http_proxy"] = null,
        ["https_proxy"] = null,
    };

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> args, IDictionary<string, string?> environment, TimeSpan? timeout = null, string? stdin = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in time.\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
