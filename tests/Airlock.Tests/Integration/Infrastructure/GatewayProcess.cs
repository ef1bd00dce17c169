using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>The real <c>airlock serve</c> process, its log captured to a file.</summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private GatewayProcess(Process process, StreamWriter log, string url, string logPath)
    {
        _process = process;
        _log = log;
        Url = url;
        LogPath = logPath;
    }

    public string Url { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    /// <summary>Waits until the gateway accepts connections on another of its listeners.</summary>
    public Task WaitForPortAsync(int port, string name) => MotoServer.WaitForPortAsync(port, _process, name);

    /// <summary>The gateway process's resident memory, in MiB.</summary>
    public double ResidentMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }

    public static async Task<GatewayProcess> StartAsync(string configPath, int port, IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet", [Tools.AirlockDll, "serve", "--config", configPath]);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var logPath = Path.Combine(Path.GetDirectoryName(configPath)!, "gateway.log");
        var (process, log) = LoggedProcess.Start(info, logPath);
        var gateway = new GatewayProcess(process, log, $"http://127.0.0.1:{port}", logPath);
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"airlock serve exited with {process.ExitCode}:\n{File.ReadAllText(logPath)}");
            }

            try
            {
                if ((await http.GetAsync(gateway.Url + "/_airlock/health")).IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        gateway.Dispose();
        throw new TimeoutException("airlock serve did not become healthy within 30 s.");
    }

    public string ReadLog()
    {
        lock (_log)
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
    }

    /// <summary>Stops the gateway as a service manager does (SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? within = null)
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(45));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private bool _disposed;

    /// <summary>Kills the process (SIGKILL) if it still runs; once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _log.Dispose();
    }
}
