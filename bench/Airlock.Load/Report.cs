using System.Globalization;
using System.Text;

namespace Airlock.Load;

/// <summary>Writes bench/RESULTS.md (tables, ratios, goals) and the data the latency plot is drawn from.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The reference path that is a bare .NET gateway (<see cref="KestrelHop"/>).</summary>
    public const string Hop = "Kestrel hop";

    public static void Write(string directory, IReadOnlyList<CellResult> results, IReadOnlyList<CellResult> moto, IReadOnlyDictionary<string, string> about)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results: direct vs nginx vs Airlock");
        md.AppendLine();
        md.AppendLine("Written by `bash bench/run.sh` (do not edit by hand). One run, one machine, every path against the same upstream.");
        md.AppendLine();
        foreach (var (key, value) in about)
        {
            md.AppendLine($"- **{key}**: {value}");
        }

        md.AppendLine();
        md.AppendLine("Paths: **direct** (load generator → upstream), **nginx** (Debian's nginx as a plain reverse proxy: keepalive upstream connections, request bodies streamed, responses through 2 MB of in-memory buffers, never to disk), " +
            "**Airlock** (full path: session lookup, SigV4 verify, operation resolution, policy, durable audit record on SQLite, re-sign, response masking with every " +
            "detector on, audit completion), and where measured **Kestrel hop** (a bare pass-through on the same stack as Airlock: Kestrel in front, " +
            "one pooled HttpClient behind, nothing checked, recorded or masked: the floor for any .NET gateway's per-call cost; measured on the small calls only). The upstream is `bench/Airlock.Load`'s Kestrel app answering as DynamoDB, SNS and S3 would. Every request is " +
            "signed with SigV4 by the load generator (C#, one HttpClient connection per concurrent caller). Latency is per request, from send to last byte; " +
            "CPU is the hop's user+system time per request; RSS is the hop's resident memory (peak during the cell, and growth over its start). " +
            "Each path is warmed for a few seconds before its first cell, and each cell after a short warm-up of its own.");
        md.AppendLine();
        md.AppendLine("![latency against concurrency](latency.png)");
        md.AppendLine();
        md.AppendLine("## Goals");
        md.AppendLine();
        foreach (var goal in Goals(results))
        {
            md.AppendLine("- " + goal);
        }

        foreach (var workload in results.Select(r => r.Workload).Distinct())
        {
            var rows = results.Where(r => r.Workload == workload).ToList();
            var transfer = rows.Any(r => r.Workload.StartsWith("S3", StringComparison.Ordinal));
            md.AppendLine();
            md.AppendLine($"## {workload}");
            md.AppendLine();
            md.AppendLine("| concurrency | path | requests | req/s | p50 ms | p99 ms | p99.9 ms |" + (transfer ? " MB/s |" : "") + " hop CPU ms/req | hop peak RSS MB | RSS growth MB | errors |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |" + (transfer ? " --- |" : "") + " --- | --- | --- | --- |");
            foreach (var r in rows)
            {
                md.AppendLine($"| {r.Concurrency} | {r.Path} | {r.Requests} | {F(r.RequestsPerSecond, 0)} | {F(r.P50, 2)} | {F(r.P99, 2)} | {F(r.P999, 2)} |" +
                    (transfer ? $" {F(r.MegabytesPerSecond, 0)} |" : "") + $" {F(r.CpuMsPerRequest, 3)} | {F(r.PeakRssMb, 0)} | {F(r.RssGrowthMb, 1)} | {r.Errors} |");
            }

            md.AppendLine();
            md.AppendLine("| concurrency | Airlock / direct throughput | Airlock / nginx throughput | Kestrel hop / nginx throughput | Airlock − direct p50 | Airlock − nginx p50 |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var level in rows.Select(r => r.Concurrency).Distinct())
            {
                var (direct, nginx, airlock) = (Find(rows, "direct", level), Find(rows, "nginx", level), Find(rows, "Airlock", level));
                if (direct is null || nginx is null || airlock is null)
                {
                    continue;
                }

                var measure = transfer ? (Func<CellResult, double>)(r => r.MegabytesPerSecond) : r => r.RequestsPerSecond;
                var hop = Find(rows, Hop, level);
                md.AppendLine($"| {level} | {Percent(measure(airlock) / measure(direct))} | {Percent(measure(airlock) / measure(nginx))} | {(hop is null ? "–" : Percent(measure(hop) / measure(nginx)))} | " +
                    $"{F(airlock.P50 - direct.P50, 2)} ms | {F(airlock.P50 - nginx.P50, 2)} ms |");
            }
        }

        if (moto.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## For realism: the json call against moto");
            md.AppendLine();
            md.AppendLine("moto (Python) as the upstream, direct and through Airlock; moto's own speed dominates here.");
            md.AppendLine();
            md.AppendLine("| concurrency | path | requests | req/s | p50 ms | p99 ms | errors |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var r in moto)
            {
                md.AppendLine($"| {r.Concurrency} | {r.Path} | {r.Requests} | {F(r.RequestsPerSecond, 0)} | {F(r.P50, 2)} | {F(r.P99, 2)} | {r.Errors} |");
            }
        }

        var errors = results.Concat(moto).Where(r => r.FirstError is not null).Select(r => $"- {r.Workload}, {r.Path}, c{r.Concurrency}: {r.FirstError}").Distinct().ToList();
        if (errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Errors seen");
            md.AppendLine();
            errors.ForEach(e => md.AppendLine(e));
        }

        File.WriteAllText(Path.Combine(directory, "RESULTS.md"), md.ToString());
        WritePlotData(directory, results);
    }

    private static IEnumerable<string> Goals(IReadOnlyList<CellResult> results)
    {
        var json = results.Where(r => r.Workload.StartsWith("json", StringComparison.Ordinal)).ToList();
        if (Find(json, "Airlock", 64) is { } a64 && Find(json, "nginx", 64) is { } n64)
        {
            var ratio = a64.RequestsPerSecond / n64.RequestsPerSecond;
            yield return $"{Verdict(ratio >= 0.70)} small json calls at concurrency 64: Airlock {F(a64.RequestsPerSecond, 0)} req/s = **{Percent(ratio)}** of nginx's {F(n64.RequestsPerSecond, 0)} (goal ≥ 70%)";
            if (Find(json, Hop, 64) is { } h64)
            {
                yield return $"for scale, the same call at concurrency 64 through the bare Kestrel hop: {F(h64.RequestsPerSecond, 0)} req/s = {Percent(h64.RequestsPerSecond / n64.RequestsPerSecond)} of nginx; " +
                    $"Airlock reaches {Percent(a64.RequestsPerSecond / h64.RequestsPerSecond)} of it (hop CPU {F(h64.CpuMsPerRequest, 3)} ms/call, Airlock {F(a64.CpuMsPerRequest, 3)}, nginx {F(n64.CpuMsPerRequest, 3)})";
            }
        }

        if (Find(json, "Airlock", 1) is { } a1 && Find(json, "direct", 1) is { } d1)
        {
            var added = a1.P50 - d1.P50;
            yield return $"{Verdict(added < 1)} concurrency 1: Airlock adds **{F(added, 2)} ms** to the p50 of a json call ({F(d1.P50, 2)} → {F(a1.P50, 2)} ms; goal < 1 ms)";
        }

        var big = results.Where(r => r.Workload == "S3 GetObject 100 MB").ToList();
        if (Find(big, "Airlock", 1) is { } ab && Find(big, "nginx", 1) is { } nb)
        {
            var ratio = ab.MegabytesPerSecond / nb.MegabytesPerSecond;
            var growth = big.Where(r => r.Path == "Airlock").Max(r => r.RssGrowthMb ?? 0);
            yield return $"{Verdict(ratio >= 0.80 && growth < 64)} 100 MB GetObject: Airlock {F(ab.MegabytesPerSecond, 0)} MB/s = **{Percent(ratio)}** of nginx's {F(nb.MegabytesPerSecond, 0)} " +
                $"(goal ≥ 80%), RSS growth **{F(growth, 1)} MB** (goal < 64 MB)";
        }
    }

    private static void WritePlotData(string directory, IReadOnlyList<CellResult> results)
    {
        var data = new StringBuilder("# workload concurrency direct_p50 nginx_p50 airlock_p50 direct_p99 nginx_p99 airlock_p99 hop_p50 hop_p99 (- where not measured)\n");
        foreach (var (tag, prefix) in new[] { ("json", "json"), ("query", "query") })
        {
            var rows = results.Where(r => r.Workload.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            foreach (var level in rows.Select(r => r.Concurrency).Distinct())
            {
                var cells = new[] { "direct", "nginx", "Airlock" }.Select(p => Find(rows, p, level)).ToArray();
                if (cells.All(c => c is not null))
                {
                    data.AppendLine(string.Join(' ', new[] { tag, level.ToString(Invariant) }
                        .Concat(cells.Select(c => F(c!.P50, 3))).Concat(cells.Select(c => F(c!.P99, 3)))
                        .Concat(Find(rows, Hop, level) is { } hop ? [F(hop.P50, 3), F(hop.P99, 3)] : ["-", "-"])));
                }
            }

            data.AppendLine().AppendLine();
        }

        File.WriteAllText(Path.Combine(directory, "latency.dat"), data.ToString());
    }

    private static CellResult? Find(IEnumerable<CellResult> rows, string path, int level) =>
        rows.FirstOrDefault(r => r.Path == path && r.Concurrency == level);

    private static string Verdict(bool met) => met ? "**met**:" : "**missed**:";

    private static string Percent(double ratio) => (ratio * 100).ToString("F0", Invariant) + "%";

    private static string F(double? value, int decimals) => value is { } v && !double.IsNaN(v) ? v.ToString("F" + decimals, Invariant) : "–";
}
