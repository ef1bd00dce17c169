namespace Airlock.Load;

/// <summary>
/// Warms a path until its JIT has settled. A .NET gateway's tiered JIT keeps promoting methods for a minute or more
/// after start, longer the more code it runs, on a thread of its own that a fixed few seconds of warm-up left busy:
/// Airlock's first cells then measured its JIT (a quarter of its CPU), while the bare hop, with little code, had
/// long settled. So each path runs alternating cells at 16 callers and 1 until its tiered-compilation thread takes
/// under 2% of a cell's time (at least four cells; at most two minutes).
/// </summary>
internal static class Warmup
{
    private static readonly TimeSpan Cell = TimeSpan.FromSeconds(3);
    private const int MinCells = 4;
    private const int MaxCells = 40;
    private const double SettledShare = 0.02;

    public static async Task SettleAsync(Target target)
    {
        var json = Workload.All(quick: true)[0];
        if (target.Hop.IsEmpty)
        {
            await LoadRunner.RunAsync(json, target, 16, TimeSpan.FromSeconds(2), 50_000);
            return;
        }

        var share = 1.0;
        var cell = 0;
        while (++cell <= MaxCells)
        {
            var before = target.Hop.JitThreadCpuSeconds();
            var started = DateTime.UtcNow;
            await LoadRunner.RunAsync(json, target, cell % 2 == 1 ? 16 : 1, Cell, 500_000);
            var after = target.Hop.JitThreadCpuSeconds();
            // A thread that ended during the cell is not counted: it ended because it had been idle.
            var jit = after.Sum(t => t.Value - before.GetValueOrDefault(t.Key));
            share = jit / (DateTime.UtcNow - started).TotalSeconds;
            if (cell >= MinCells && share < SettledShare)
            {
                break;
            }
        }

        Console.WriteLine($"warm-up {target.Name}: {Math.Min(cell, MaxCells)} cells of {Cell.TotalSeconds:F0} s, the JIT's thread took {share:P1} of the last " +
            (share < SettledShare ? "(settled)" : "(still compiling)"));
    }
}
