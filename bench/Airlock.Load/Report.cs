using System.Globalization;
using System.Text;

namespace Airlock.Load;

/// <summary>Writes bench/RESULTS.md (tables, ratios, goals) and the data the latency plot is drawn from.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The reference path that is a bare .NET gateway (<see cref="KestrelHop"/>).</summary>
    public const string Hop = "Kestrel hop";

    /// <summary>The reference path that does only what issue 22's rules require of any gateway (<see cref="DurableFloor"/>).</summary>
    public const string Floor = "durable floor";

    /// <summary>The durable floor with Airlock's own audit trail in place of its one short row (<see cref="FloorTrail"/>).</summary>
    public const string FloorTrail = "floor + trail";

    public static void Write(string directory, IReadOnlyList<CellResult> results, IReadOnlyList<RoundResult> rounds, IReadOnlyList<CellResult> moto, IReadOnlyDictionary<string, string> about,
        double? startupRssMb)
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
            "one pooled HttpClient behind, nothing checked, recorded or masked: the floor for any .NET gateway's per-call cost; measured on the small calls only) " +
            "and **durable floor** (`Airlock.Load floor`: the hop plus only what issue 22's rules require of any gateway: the caller's SigV4 signature checked, a json body " +
            "parsed (form delimiters escaped, as Airlock does), one record per call committed durably (SQLite WAL, `synchronous = FULL`, one writer committing what has queued) before the call goes " +
            "upstream, the call signed again; no session store, policy, audit chain, outcome record, masking, log line or metrics; small calls only) " +
            "and **floor + trail** (`Airlock.Load floor --trail`: the durable floor with Airlock's own audit store in place of its short row: each call's decision chained " +
            "and queryable, with its recorded parameters, headers and body, durable before it goes upstream, and its outcome with the response's start after; json goal rounds only). The upstream is `bench/Airlock.Load`'s Kestrel app answering as DynamoDB, SNS and S3 would. Every request is " +
            "signed with SigV4 by the load generator (C#, one HttpClient connection per concurrent caller). Latency is per request, from send to last byte; " +
            "CPU is the hop's user+system time per request; RSS is the hop's resident memory (peak during the cell, and growth over its start). " +
            "Each path is warmed before its first cell (by `bench/run.sh` until its JIT has settled: its tiered-compilation thread under 2% of a 3 s cell), and each cell after a short warm-up of its own.");
        md.AppendLine();
        md.AppendLine("![latency against concurrency](latency.png)");
        md.AppendLine();
        md.AppendLine("## Goals");
        md.AppendLine();
        foreach (var goal in Goals(results, rounds, startupRssMb))
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

        WriteRounds(md, results, rounds);
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

        var errors = results.Concat(rounds.Select(r => r.Cell)).Concat(moto).Where(r => r.FirstError is not null).Select(r => $"- {r.Workload}, {r.Path}, c{r.Concurrency}: {r.FirstError}").Distinct().ToList();
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

    private static IEnumerable<string> Goals(IReadOnlyList<CellResult> results, IReadOnlyList<RoundResult> rounds, double? startupRssMb)
    {
        // The sweep's own cells are round 0: their paths ran back to back too.
        var samples = new[] { results }.Concat(rounds.GroupBy(r => r.Round).Select(g => (IReadOnlyList<CellResult>)g.Select(r => r.Cell).ToList())).ToList();
        if (Measure(samples, "json", 64, Hop, r => r.RequestsPerSecond) is { } hop64 && Measure(samples, "json", 64, "direct", r => r.RequestsPerSecond) is { } direct64)
        {
            var cpu = Measure(samples, "json", 64, Hop, r => r.CpuMsPerRequest ?? double.NaN);
            yield return $"{Verdict(hop64.Ratio.Median >= 0.50 && direct64.Ratio.Median >= 0.25)} small json calls at concurrency 64: Airlock's throughput is " +
                $"**{Percent(hop64.Ratio.Median)}** of the bare Kestrel hop's (goal ≥ 50%; {Spread(hop64)}) and **{Percent(direct64.Ratio.Median)}** of direct (goal ≥ 25%; {Spread(direct64)}); " +
                $"median req/s: Airlock {F(hop64.Airlock.Median, 0)}, hop {F(hop64.Reference.Median, 0)}, direct {F(direct64.Reference.Median, 0)}" +
                (cpu is { } c ? $"; CPU per call: Airlock {F(c.Airlock.Median, 3)} ms, hop {F(c.Reference.Median, 3)} ms" : "");
        }

        if (Measure(samples, "json", 64, Hop, r => r.RequestsPerSecond, subject: Floor) is { } floor64
            && Measure(samples, "json", 64, Floor, r => r.RequestsPerSecond) is { } ofFloor64)
        {
            var cpu = Measure(samples, "json", 64, Hop, r => r.CpuMsPerRequest ?? double.NaN, subject: Floor);
            yield return $"bound: the durable floor (the hop plus what the rules require of any gateway: signature checked, a json body parsed, " +
                $"one record durable before the call goes upstream, the call signed again) reaches **{Percent(floor64.Ratio.Median)}** of the hop's throughput at c64 " +
                $"({Spread(floor64)}; median {F(floor64.Airlock.Median, 0)} req/s" + (cpu is { } c ? $", {F(c.Airlock.Median, 3)} ms CPU per call" : "") +
                (floor64.Ratio.Median >= 0.50 ? "), so the rules leave room for the goal" : "), so the rules alone keep the goal out of reach here") + "; Airlock reaches" +
                $" **{Percent(ofFloor64.Ratio.Median)}** of the floor ({Spread(ofFloor64)}): the rest is Airlock's own work";
        }

        if (Measure(samples, "json", 64, Hop, r => r.RequestsPerSecond, subject: FloorTrail) is { } trail64
            && Measure(samples, "json", 64, FloorTrail, r => r.RequestsPerSecond) is { } ofTrail64)
        {
            var cpu = Measure(samples, "json", 64, Hop, r => r.CpuMsPerRequest ?? double.NaN, subject: FloorTrail);
            yield return $"bound: the durable floor with Airlock's audit trail (each call's decision chained and queryable before it runs, its outcome after) " +
                $"reaches **{Percent(trail64.Ratio.Median)}** of the hop's throughput at c64 ({Spread(trail64)}; median {F(trail64.Airlock.Median, 0)} req/s" +
                (cpu is { } c ? $", {F(c.Airlock.Median, 3)} ms CPU per call" : "") + "); Airlock reaches" +
                $" **{Percent(ofTrail64.Ratio.Median)}** of it ({Spread(ofTrail64)}): the rest is the pipeline's stages (session, resolution, policy, masking, log line, metrics)";
        }

        if (Measure(samples, "json", 64, "nginx", r => r.RequestsPerSecond) is { } nginx64)
        {
            yield return $"for scale, nginx at the same cell: {F(nginx64.Reference.Median, 0)} req/s (median); Airlock reaches {Percent(nginx64.Ratio.Median)} of it ({Spread(nginx64)})";
        }

        if (Measure(samples, "json", 1, "direct", r => r.P50, (airlock, direct) => airlock - direct) is { } added)
        {
            yield return $"{Verdict(added.Ratio.Median <= 0.5)} concurrency 1: Airlock adds **{F(added.Ratio.Median, 2)} ms** to the p50 of a json call (goal ≤ 0.5 ms; " +
                $"median of {added.Ratio.Count} rounds' differences, range {F(added.Ratio.Min, 2)}–{F(added.Ratio.Max, 2)} ms; median p50: direct {F(added.Reference.Median, 2)} ms, Airlock {F(added.Airlock.Median, 2)} ms)";
        }

        if (Measure(samples, "json", 1, "direct", r => r.P50, (floor, direct) => floor - direct, subject: Floor) is { } floorAdded)
        {
            var cpu = Measure(samples, "json", 1, Hop, r => r.CpuMsPerRequest ?? double.NaN, subject: Floor);
            yield return $"bound: at concurrency 1 the durable floor adds **{F(floorAdded.Ratio.Median, 2)} ms** to the p50 (range {F(floorAdded.Ratio.Min, 2)}–{F(floorAdded.Ratio.Max, 2)} ms), " +
                "most of it the wait for its record's fsync" + (cpu is { } c ? $", and spends **{F(c.Ratio.Median, 1)}×** the hop's CPU per call ({F(c.Airlock.Median, 3)} ms)" : "");
        }

        if (Measure(samples, "json", 1, "direct", r => r.P50, (trail, direct) => trail - direct, subject: FloorTrail) is { } trailAdded)
        {
            var cpu = Measure(samples, "json", 1, Hop, r => r.CpuMsPerRequest ?? double.NaN, subject: FloorTrail);
            yield return $"bound: at concurrency 1 the durable floor with Airlock's audit trail adds **{F(trailAdded.Ratio.Median, 2)} ms** to the p50 " +
                $"(range {F(trailAdded.Ratio.Min, 2)}–{F(trailAdded.Ratio.Max, 2)} ms)" + (cpu is { } c ? $" and spends **{F(c.Ratio.Median, 1)}×** the hop's CPU per call ({F(c.Airlock.Median, 3)} ms)" : "");
        }

        if (Measure(samples, "json", 1, Hop, r => r.CpuMsPerRequest ?? double.NaN) is { } cpu1)
        {
            yield return $"{Verdict(cpu1.Ratio.Median <= 3)} concurrency 1: Airlock's CPU per json call is **{F(cpu1.Ratio.Median, 1)}×** the bare hop's (goal ≤ 3×; " +
                $"median of {cpu1.Ratio.Count} rounds, range {F(cpu1.Ratio.Min, 1)}–{F(cpu1.Ratio.Max, 1)}×; median CPU per call: Airlock {F(cpu1.Airlock.Median, 3)} ms, hop {F(cpu1.Reference.Median, 3)} ms)";
        }

        foreach (var name in new[] { "S3 GetObject 1 MB", "S3 PutObject 1 MB" })
        {
            if (Measure(samples, name, 1, "nginx", r => r.MegabytesPerSecond) is { } s3)
            {
                yield return $"{Verdict(s3.Ratio.Median >= 0.80)} {name[3..]} at concurrency 1: Airlock's MB/s is **{Percent(s3.Ratio.Median)}** of nginx's " +
                    $"(goal ≥ 80%; {Spread(s3)}; median MB/s: Airlock {F(s3.Airlock.Median, 0)}, nginx {F(s3.Reference.Median, 0)})";
            }
        }

        if (Measure(samples, "S3 PutObject 1 MB", 1, "nginx", r => r.P50) is { } put
            && Measure(samples, "json", 1, "direct", r => r.P50, (floor, direct) => floor - direct, subject: Floor) is { } fixedCost)
        {
            // What 80% of nginx's rate leaves a gateway per call, against what the rules cost a lone call before any
            // of its body moves (the floor's durable record and second hop) plus hashing the body its signature binds.
            var budget = put.Reference.Median / 0.80 - put.Reference.Median;
            var hash = TimeBodyHash();
            var rules = fixedCost.Ratio.Median + hash;
            yield return $"bound: a 1 MB PutObject takes {F(put.Reference.Median, 2)} ms through nginx at concurrency 1 (p50), so 80% of its rate leaves a gateway " +
                $"**{F(budget, 2)} ms** per call more; the rules alone cost **{F(rules, 2)} ms**: the durable floor's {F(fixedCost.Ratio.Median, 2)} ms on a json call " +
                $"(its durable record and second hop) and {F(hash, 2)} ms to hash the 1 MB body, whose SHA-256 the signature binds (.NET's SHA-256, measured in this run)" +
                (rules > budget ? ", so the rules keep the goal out of reach at nginx's rate in this run" : ", so the rules leave room for the goal in this run");
        }

        var peaks = results.Concat(rounds.Select(r => r.Cell)).Where(r => r.Workload.StartsWith("json", StringComparison.Ordinal) && r.Concurrency == 64 && r.Path == "Airlock" && r.PeakRssMb is not null)
            .Select(r => r.PeakRssMb!.Value).ToList();
        if (peaks.Count > 0)
        {
            var peak = Stats.Of(peaks);
            yield return $"{Verdict(peak.Max <= 120 && startupRssMb is <= 80)} memory: Airlock's peak RSS during the json c64 cell is **{F(peak.Max, 0)} MB** at most " +
                $"(goal ≤ 120 MB; median of {peak.Count} cells {F(peak.Median, 0)} MB) and **{F(startupRssMb, 0)} MB** after start-up (goal ≤ 80 MB)";
        }

        var big = Measure(samples, "S3 GetObject 100 MB", 1, "nginx", r => r.MegabytesPerSecond);
        if (big is { } b)
        {
            var growth = results.Concat(rounds.Select(r => r.Cell)).Where(r => r.Workload == "S3 GetObject 100 MB" && r.Path == "Airlock").Max(r => r.RssGrowthMb ?? 0);
            yield return $"{Verdict(b.Ratio.Median >= 0.80 && growth < 64)} 100 MB GetObject: Airlock's MB/s is **{Percent(b.Ratio.Median)}** of nginx's " +
                $"(goal ≥ 80%; {Spread(b)}; median MB/s: Airlock {F(b.Airlock.Median, 0)}, nginx {F(b.Reference.Median, 0)}), RSS growth **{F(growth, 1)} MB** at most (goal < 64 MB)";
        }
    }

    private static string Spread(Comparison c) =>
        c.Ratio.Count == 1 ? "one round" : $"median of {c.Ratio.Count} rounds' ratios, range {Percent(c.Ratio.Min)}–{Percent(c.Ratio.Max)}";

    /// <summary>
    /// Airlock (or another <paramref name="subject"/>) against a reference path on one cell, in every round that measured both: the per-round comparison
    /// (a ratio unless <paramref name="compare"/> says otherwise) and each path's own figure, as medians and ranges.
    /// </summary>
    private static Comparison? Measure(IReadOnlyList<IReadOnlyList<CellResult>> samples, string workload, int level, string reference, Func<CellResult, double> figure,
        Func<double, double, double>? compare = null, string subject = "Airlock")
    {
        compare ??= static (airlock, other) => airlock / other;
        var pairs = samples
            .Select(s => s.Where(r => r.Workload.StartsWith(workload, StringComparison.Ordinal)).ToList())
            .Select(rows => (Airlock: Find(rows, subject, level), Reference: Find(rows, reference, level)))
            .Where(p => p.Airlock is not null && p.Reference is not null)
            .Select(p => (Airlock: figure(p.Airlock!), Reference: figure(p.Reference!)))
            .ToList();
        return pairs.Count == 0 ? null : new Comparison(
            Stats.Of(pairs.Select(p => compare(p.Airlock, p.Reference))), Stats.Of(pairs.Select(p => p.Airlock)), Stats.Of(pairs.Select(p => p.Reference)));
    }

    private sealed record Comparison(Stats Ratio, Stats Airlock, Stats Reference);

    private sealed record Stats(double Median, double Min, double Max, int Count)
    {
        public static Stats Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            return new Stats(median, sorted[0], sorted[^1], sorted.Length);
        }
    }

    private static void WriteRounds(StringBuilder md, IReadOnlyList<CellResult> results, IReadOnlyList<RoundResult> rounds)
    {
        if (rounds.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Goal cells, round by round");
        md.AppendLine();
        md.AppendLine("Each goal's cell again after the sweep, in rounds; within a round the paths run back to back, so a round's ratio compares " +
            "paths measured seconds apart. Round 0 is the sweep's own cell. The goals above use the median of the rounds.");
        md.AppendLine();
        md.AppendLine("| round | workload | concurrency | path | req/s | p50 ms | MB/s | hop CPU ms/req |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var sweep = GoalRounds.Cells.SelectMany(c => c.Paths.Select(p => results.FirstOrDefault(r => r.Workload.StartsWith(c.WorkloadPrefix, StringComparison.Ordinal) && r.Concurrency == c.Concurrency && r.Path == p)))
            .OfType<CellResult>().Select(r => new RoundResult(0, r));
        foreach (var (round, r) in sweep.Concat(rounds))
        {
            md.AppendLine($"| {round} | {r.Workload} | {r.Concurrency} | {r.Path} | {F(r.RequestsPerSecond, 0)} | {F(r.P50, 2)} | {(r.Workload.StartsWith("S3", StringComparison.Ordinal) ? F(r.MegabytesPerSecond, 0) : "–")} | {F(r.CpuMsPerRequest, 3)} |");
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

    /// <summary>The median time .NET's SHA-256 takes over 1 MiB on this machine, the hash a PutObject's signature binds.</summary>
    private static double TimeBodyHash()
    {
        var body = new byte[1 << 20];
        var times = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            System.Security.Cryptography.SHA256.HashData(body);
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // The first passes warm the code and the buffer's pages.
        return Stats.Of(times.Skip(10).ToList()).Median;
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("F0", Invariant) + "%";

    private static string F(double? value, int decimals) => value is { } v && !double.IsNaN(v) ? v.ToString("F" + decimals, Invariant) : "–";
}
