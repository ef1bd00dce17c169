using System.Buffers;
using System.Diagnostics;
using System.Net;

namespace Airlock.Load;

/// <summary>One path the calls take: straight to the upstream, through nginx, or through Airlock.</summary>
internal sealed record Target(string Name, Uri Url, Credentials Credentials, ProcessMeter Hop);

/// <summary>What one workload at one concurrency on one path did.</summary>
internal sealed record CellResult(
    string Workload, string Path, int Concurrency, long Requests, long Errors, double Seconds, double P50, double P99, double P999,
    double MegabytesPerSecond, double? CpuMsPerRequest, double? PeakRssMb, double? RssGrowthMb, string? FirstError)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>
/// Runs a workload with N concurrent callers on one path for a bounded time and request count, each caller
/// signing and sending one request after another, and measures latency, throughput and the hop's CPU and memory.
/// </summary>
internal static class LoadRunner
{
    public static async Task<CellResult> RunAsync(Workload workload, Target target, int concurrency, TimeSpan duration, int maxRequests)
    {
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        });

        // Warm up: connections open, JIT and caches settled on every side before anything is timed.
        await Phase(workload, target, client, concurrency, DateTime.UtcNow + TimeSpan.FromMilliseconds(workload.Transfer ? 300 : 700), concurrency * 4, record: false);

        var baselineRss = target.Hop.IsEmpty ? 0 : target.Hop.ResidentMegabytes();
        var cpuBefore = target.Hop.IsEmpty ? 0 : target.Hop.CpuSeconds();
        var peakRss = baselineRss;
        using var sampling = new CancellationTokenSource();
        var sampler = target.Hop.IsEmpty ? Task.CompletedTask : Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, target.Hop.ResidentMegabytes());
                await Task.Delay(50);
            }
        });

        var clock = Stopwatch.StartNew();
        var (latencies, errors, bytes, firstError) = await Phase(workload, target, client, concurrency, DateTime.UtcNow + duration, maxRequests, record: true);
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var cpu = target.Hop.IsEmpty ? (double?)null : (target.Hop.CpuSeconds() - cpuBefore) * 1000 / Math.Max(1, latencies.Count);
        latencies.Sort();
        return new CellResult(workload.Name, target.Name, concurrency, latencies.Count, errors, seconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), Percentile(latencies, 0.999),
            bytes / seconds / (1 << 20), cpu, target.Hop.IsEmpty ? null : peakRss, target.Hop.IsEmpty ? null : peakRss - baselineRss, firstError);
    }

    private static async Task<(List<double> Latencies, long Errors, long Bytes, string? FirstError)> Phase(
        Workload workload, Target target, HttpMessageInvoker client, int concurrency, DateTime deadline, int maxRequests, bool record)
    {
        var started = 0;
        long errors = 0, bytes = 0;
        string? firstError = null;
        var perWorker = new List<double>[concurrency];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = perWorker[worker] = new List<double>(1024);
            var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            try
            {
                while (DateTime.UtcNow < deadline && Interlocked.Increment(ref started) <= maxRequests)
                {
                    var begin = Stopwatch.GetTimestamp();
                    long received = 0;
                    var ok = false;
                    try
                    {
                        using var request = workload.Sign(target.Url, target.Credentials);
                        using var response = await client.SendAsync(request, CancellationToken.None);
                        await using var body = await response.Content.ReadAsStreamAsync();
                        int read;
                        while ((read = await body.ReadAsync(buffer)) > 0)
                        {
                            received += read;
                        }

                        ok = response.IsSuccessStatusCode;
                        if (!ok)
                        {
                            Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} from {target.Name} on {workload.Name}", null);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException)
                    {
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }

                    var elapsed = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                    if (!ok)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }

                    mine.Add(elapsed);
                    Interlocked.Add(ref bytes, workload.Transfer ? workload.TransferBytes : received);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        })));
        return (record ? perWorker.SelectMany(l => l).ToList() : [], errors, bytes, firstError);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
