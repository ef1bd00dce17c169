using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>Debian's Prometheus on loopback, scraping one target every second and evaluating rule files as often.</summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, StreamWriter log, string url)
    {
        (_process, _log) = (process, log);
        _http = new HttpClient { BaseAddress = new Uri(url) };
    }

    public static async Task<PrometheusServer> StartAsync(string directory, string target, params string[] ruleFiles)
    {
        var port = MotoServer.FreePort();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{string.Join(", ", ruleFiles.Select(f => $"\"{f}\""))}]
            scrape_configs:
              - job_name: airlock
                static_configs:
                  - targets: ["{target}"]
            """);
        var info = new ProcessStartInfo("prometheus",
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "prometheus-data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]);
        var (process, log) = LoggedProcess.Start(info, Path.Combine(directory, "prometheus.log"));
        var server = new PrometheusServer(process, log, $"http://127.0.0.1:{port}");
        for (var i = 0; i < 150; i++)
        {
            try
            {
                if ((await server._http.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        server.Dispose();
        throw new TimeoutException($"Prometheus did not become ready:\n{File.ReadAllText(Path.Combine(directory, "prometheus.log"))}");
    }

    /// <summary>The value of an instant query that yields one number (0 when it yields nothing).</summary>
    public async Task<double> QueryAsync(string query)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? 0 : double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the query yields <paramref name="expected"/> (scrapes are a second apart); the last value seen.</summary>
    public async Task<double> WaitForAsync(string query, double expected, TimeSpan within)
    {
        var value = double.NaN;
        for (var deadline = DateTime.UtcNow + within; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            if ((value = await QueryAsync(query)) == expected)
            {
                break;
            }
        }

        return value;
    }

    /// <summary>Whether Prometheus accepts the query (valid PromQL), with the error it gives if not.</summary>
    public async Task<(bool Ok, string Error)> AcceptsAsync(string query)
    {
        using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (answer.GetProperty("status").GetString() == "success", answer.TryGetProperty("error", out var error) ? error.GetString()! : "");
    }

    /// <summary>Every metric name Prometheus has series of.</summary>
    public async Task<IReadOnlySet<string>> NamesAsync() =>
        (await _http.GetFromJsonAsync<JsonElement>("/api/v1/label/__name__/values")).GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet();

    /// <summary>The alerts in the given state (pending, firing), by name.</summary>
    public async Task<IReadOnlyList<string>> AlertsAsync(string state)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>("/api/v1/alerts");
        return answer.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("state").GetString() == state).Select(a => a.GetProperty("labels").GetProperty("alertname").GetString()!).ToList();
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _log.Dispose();
    }
}
