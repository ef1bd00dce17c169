using System.Diagnostics;
using System.Net.Sockets;

namespace Airlock.Demo;

/// <summary>The demo's upstream: moto's AWS emulator in server mode on loopback.</summary>
internal sealed class MotoProcess : IDisposable
{
    private readonly Process _process;

    private MotoProcess(Process process, int port)
    {
        _process = process;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<MotoProcess> StartAsync(string python, int port, string logPath)
    {
        var info = new ProcessStartInfo(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python} -m moto.server.");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var moto = new MotoProcess(process, port);
        for (var i = 0; i < 150; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"moto exited at start (is moto installed for {python}?); see {logPath}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return moto;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        moto.Dispose();
        throw new TimeoutException($"moto did not listen on port {port} within 15 s; see {logPath}.");
    }

    /// <summary>The first Python that has moto: AIRLOCK_PYTHON, then python3 on PATH.</summary>
    public static string FindPython() => Environment.GetEnvironmentVariable("AIRLOCK_PYTHON") ?? "python3";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
