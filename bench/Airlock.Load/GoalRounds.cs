namespace Airlock.Load;

/// <summary>
/// The cells a goal is judged on, measured again in several rounds, the paths of a round back to back. On a shared
/// machine one cell can swing by 3x from one minute to the next (nginx's json c64 did), so a goal judged on one cell
/// judges the minute it ran in. A round's ratio compares paths measured seconds apart; the median of the rounds'
/// ratios is the verdict, and their range is printed beside it.
/// </summary>
internal static class GoalRounds
{
    /// <summary>A goal's cell: one workload at one concurrency, measured on the paths it compares.</summary>
    public sealed record Cell(string WorkloadPrefix, int Concurrency, string[] Paths);

    public static readonly Cell[] Cells =
    [
        new("json", 64, ["direct", "nginx", Report.Hop, Report.Floor, Report.FloorTrail, "Airlock"]),
        new("json", 1, ["direct", Report.Hop, Report.Floor, Report.FloorTrail, "Airlock"]),
        new("S3 GetObject 1 MB", 1, ["nginx", "Airlock"]),
        new("S3 PutObject 1 MB", 1, ["nginx", "Airlock"]),
        new("S3 GetObject 100 MB", 1, ["nginx", "Airlock"]),
    ];

    public static async Task<List<RoundResult>> RunAsync(IReadOnlyList<Workload> workloads, IReadOnlyList<Target> targets, int rounds, TimeSpan duration)
    {
        var results = new List<RoundResult>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var cell in Cells)
            {
                if (workloads.FirstOrDefault(w => w.Name.StartsWith(cell.WorkloadPrefix, StringComparison.Ordinal)) is not { } workload)
                {
                    continue;
                }

                foreach (var target in cell.Paths.Select(p => targets.FirstOrDefault(t => t.Name == p)).OfType<Target>())
                {
                    var result = await LoadRunner.RunAsync(workload, target, cell.Concurrency, duration, workload.Transfer ? 2_000 : 500_000);
                    results.Add(new RoundResult(round, result));
                    Console.WriteLine($"goal round {round}  {workload.Name,-24} c{cell.Concurrency,-3} {target.Name,-11} {result.RequestsPerSecond,9:F0} req/s  " +
                        $"p50 {result.P50,8:F3} ms" + (workload.Transfer ? $"  {result.MegabytesPerSecond,7:F0} MB/s" : "") +
                        (result.Errors > 0 ? $"  errors {result.Errors}: {result.FirstError}" : ""));
                }
            }
        }

        return results;
    }
}

/// <summary>One goal cell's measurement in one round.</summary>
internal sealed record RoundResult(int Round, CellResult Cell);
