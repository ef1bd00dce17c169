using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>moto's AWS emulator in server mode on loopback, checking SigV4 signatures.</summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;

    private MotoServer(Process process, string endpoint, string keyId, string secret, string roleArn)
    {
        _process = process;
        Endpoint = endpoint;
        AccessKeyId = keyId;
        SecretAccessKey = secret;
        RoleArn = roleArn;
    }

    /// <summary>A role in moto that <c>assume_role</c> connections assume.</summary>
    public string RoleArn { get; }

    public string Endpoint { get; }

    /// <summary>The upstream credential: only Airlock may hold it.</summary>
    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public static async Task<MotoServer> StartAsync(string workDir)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(Tools.Python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString()]);
        // Three unauthenticated calls for the bootstrap; every call after them must be correctly signed.
        info.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3";
        var (process, _) = LoggedProcess.Start(info, Path.Combine(workDir, "moto.log"));
        var endpoint = $"http://127.0.0.1:{port}";
        await WaitForPortAsync(port, process, "moto");

        var result = await ProcessRunner.RunAsync(Tools.Python, [Tools.TestData("moto_bootstrap.py"), endpoint],
            ProcessRunner.SafeAwsEnvironment(workDir));
        if (result.ExitCode != 0)
        {
            process.Kill(true);
            throw new InvalidOperationException("moto bootstrap failed: " + result);
        }

        using var doc = JsonDocument.Parse(result.StdOut);
        return new MotoServer(process, endpoint, doc.RootElement.GetProperty("AccessKeyId").GetString()!,
            doc.RootElement.GetProperty("SecretAccessKey").GetString()!, doc.RootElement.GetProperty("RoleArn").GetString()!);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, Process process, string name)
    {
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start with code {process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{name} did not listen on {port} within 30 s.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
