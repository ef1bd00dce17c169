using System.Globalization;
using Airlock.Load;

// dotnet Airlock.Load.dll upstream PORT
// dotnet Airlock.Load.dll hop PORT UPSTREAM-URL       (a bare Kestrel + HttpClient pass-through, for reference)
// dotnet Airlock.Load.dll floor PORT UPSTREAM-URL DB [--trail]  (the hop plus signature check, durable record and re-signing: the least issue 22's rules allow;
//                             --trail: the record kept through Airlock's own audit store, decision and outcome, as the product keeps it)
// dotnet Airlock.Load.dll run --direct URL --nginx URL --airlock URL --token URL --airlock-pid N --nginx-pids N,N
//                             [--hop URL --hop-pid N] [--floor URL --floor-pid N] [--trail-floor URL --trail-floor-pid N] [--moto URL] [--startup-rss MB] [--settle] [--no-warmup] [--seconds 4] [--goal-rounds 4] [--quick] [--out DIR] [--about key=value]...
//                             [--paths direct,nginx,Airlock] [--workloads json,query,S3] [--levels 1,64]   (to look at one part)
// dotnet Airlock.Load.dll allocations PID SECONDS [TOP]   (where a running gateway allocates: bench/per-call.sh)
// bash bench/run.sh starts everything and calls these.
if (args is ["upstream", var port])
{
    await FakeUpstream.RunAsync(int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["hop", var hopPort, var upstream])
{
    await KestrelHop.RunAsync(int.Parse(hopPort, CultureInfo.InvariantCulture), new Uri(upstream));
    return 0;
}

if (args is ["floor", var floorPort, var floorUpstream, var floorDatabase, .. var floorOptions])
{
    await DurableFloor.RunAsync(int.Parse(floorPort, CultureInfo.InvariantCulture), new Uri(floorUpstream), floorDatabase, floorOptions.Contains("--trail"));
    return 0;
}

if (args is ["allocations", var pid, var allocationSeconds, .. var rest])
{
    var trace = Path.Combine(Path.GetTempPath(), $"airlock-allocations-{pid}.nettrace");
    await AllocationSites.RunAsync(int.Parse(pid, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(double.Parse(allocationSeconds, CultureInfo.InvariantCulture)),
        trace, rest is [var top] ? int.Parse(top, CultureInfo.InvariantCulture) : 25);
    File.Delete(trace);
    return 0;
}

if (args is not ["run", ..])
{
    Console.Error.WriteLine("usage: Airlock.Load upstream PORT | hop PORT UPSTREAM | floor PORT UPSTREAM DB | allocations PID SECONDS [TOP] | run --direct URL --nginx URL --airlock URL --token URL ...");
    return 2;
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
IReadOnlyList<int> Pids(string name) => (Option(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
var seconds = double.Parse(Option("--seconds") ?? "4", CultureInfo.InvariantCulture);
var quick = args.Contains("--quick");
var output = Option("--out") ?? "bench";
var anyone = new Credentials("AKIDBENCHDIRECT00001", "bench-direct-secret-not-checked", null);
var airlockUrl = new Uri(Option("--airlock")!);
var tokenUrl = new Uri(Option("--token")!);
var session = await Sessions.ExchangeAsync(airlockUrl, tokenUrl, "bench");
Target[] targets =
[
    new("direct", new Uri(Option("--direct")!), anyone, new ProcessMeter([])),
    new("nginx", new Uri(Option("--nginx")!), anyone, new ProcessMeter(Pids("--nginx-pids"))),
    new("Airlock", airlockUrl, session, new ProcessMeter(Pids("--airlock-pid"))),
];
if (Option("--hop") is { } hopUrl)
{
    targets = [.. targets[..2], new(Report.Hop, new Uri(hopUrl), anyone, new ProcessMeter(Pids("--hop-pid"))), .. targets[2..]];
}

if (Option("--floor") is { } floorUrl)
{
    targets = [.. targets[..^1], new(Report.Floor, new Uri(floorUrl), anyone, new ProcessMeter(Pids("--floor-pid"))), targets[^1]];
}

if (Option("--trail-floor") is { } trailUrl)
{
    targets = [.. targets[..^1], new(Report.FloorTrail, new Uri(trailUrl), anyone, new ProcessMeter(Pids("--trail-floor-pid"))), targets[^1]];
}

IReadOnlyList<string>? Filter(string name) => Option(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries);
var paths = Filter("--paths");
var workloads = Filter("--workloads");
var levels = Filter("--levels")?.Select(int.Parse).ToArray();
// Every path warmed first (JIT tiers, pools, caches), so the first cells do not measure a cold process; --no-warmup
// when the caller has warmed it already and measures the whole process's run (bench/profile.sh's perf record).
foreach (var target in targets.Where(t => (paths?.Contains(t.Name) ?? true) && !args.Contains("--no-warmup")))
{
    if (args.Contains("--settle"))
    {
        await Warmup.SettleAsync(target);
    }

    foreach (var workload in Workload.All(quick: true).Take(3).Skip(args.Contains("--settle") ? 1 : 0))
    {
        await LoadRunner.RunAsync(workload, target, 16, TimeSpan.FromSeconds(2), 50_000);
    }
}

var results = new List<CellResult>();
foreach (var workload in Workload.All(quick).Where(w => workloads?.Any(p => w.Name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ?? true))
{
    foreach (var level in levels ?? workload.Concurrencies)
    {
        // The hop is a reference for per-call overhead; it streams large bodies naively and would not be a floor there.
        // The floor with the trail bounds the json goals only: it runs in their rounds, not in the sweep, unless asked for.
        foreach (var target in targets.Where(t => (paths?.Contains(t.Name) ?? t.Name != Report.FloorTrail) && !(workload.Transfer && t.Name is Report.Hop or Report.Floor or Report.FloorTrail)))
        {
            var result = await LoadRunner.RunAsync(workload, target, level, TimeSpan.FromSeconds(seconds), workload.Transfer ? 2_000 : 500_000);
            results.Add(result);
            Console.WriteLine($"{workload.Name,-32} c{level,-4} {target.Name,-11} {result.RequestsPerSecond,9:F0} req/s  p50 {result.P50,8:F3}  p99 {result.P99,8:F3}  p99.9 {result.P999,8:F3} ms" +
                (workload.Transfer ? $"  {result.MegabytesPerSecond,7:F0} MB/s" : "") + (result.Errors > 0 ? $"  errors {result.Errors}: {result.FirstError}" : ""));
        }
    }
}

// Goals are judged on several rounds of their cells, not on one cell that ran in one minute of a shared machine.
// A run narrowed to one part skips them unless asked for.
var goalRounds = Option("--goal-rounds") is { } asked ? int.Parse(asked, CultureInfo.InvariantCulture) : paths is null && workloads is null && levels is null ? 4 : 0;
var rounds = goalRounds > 0
    ? await GoalRounds.RunAsync(Workload.All(quick), targets, goalRounds, TimeSpan.FromSeconds(seconds))
    : [];

var moto = new List<CellResult>();
if (Option("--moto") is { } motoUrl)
{
    var motoSession = await Sessions.ExchangeAsync(airlockUrl, tokenUrl, "moto");
    await MotoTable.CreateAsync(new Uri(motoUrl), anyone);
    var getItem = Workload.All(quick)[0];
    foreach (var level in new[] { 1, 16 })
    {
        foreach (var target in new[] { new Target("direct", new Uri(motoUrl), anyone, new ProcessMeter([])), new Target("Airlock", airlockUrl, motoSession, new ProcessMeter(Pids("--airlock-pid"))) })
        {
            var result = await LoadRunner.RunAsync(getItem, target, level, TimeSpan.FromSeconds(seconds), 5_000);
            moto.Add(result);
            Console.WriteLine($"moto {getItem.Name,-27} c{level,-4} {target.Name,-8} {result.RequestsPerSecond,9:F0} req/s  p50 {result.P50,8:F3}  p99 {result.P99,8:F3} ms" +
                (result.Errors > 0 ? $"  errors {result.Errors}: {result.FirstError}" : ""));
        }
    }
}

var about = args.Select((a, i) => (a, i)).Where(p => p.a == "--about" && p.i + 1 < args.Length).Select(p => args[p.i + 1].Split('=', 2))
    .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
Report.Write(output, results, rounds, moto, about,
    Option("--startup-rss") is { } rss ? double.Parse(rss, CultureInfo.InvariantCulture) : null);
Console.WriteLine($"wrote {Path.Combine(output, "RESULTS.md")}");
return results.Concat(rounds.Select(r => r.Cell)).Concat(moto).Any(r => r.Requests == 0) ? 1 : 0;
