namespace Airlock.Load;

/// <summary>
/// Warms a path until its CPU per call settles. A gateway's tiered JIT keeps promoting methods for tens of seconds
/// after start, longer the more code it runs: a fixed few seconds left Airlock compiling through its first cells
/// while the bare hop, with little code, had long settled, so those cells measured the JIT rather than the path.
/// </summary>
internal static class Warmup
{
    private static readonly TimeSpan Cell = TimeSpan.FromSeconds(3);
    private const int MaxCells = 15;
    private const double Settled = 0.10;

    public static async Task SettleAsync(Target target)
    {
        var json = Workload.All(quick: true)[0];
        if (target.Hop.IsEmpty)
        {
            await LoadRunner.RunAsync(json, target, 16, TimeSpan.FromSeconds(2), 50_000);
            return;
        }

        // Alternating lone and concurrent callers, so both the c1 and the c64 paths through the code are warm.
        double? previous = null;
        for (var cell = 1; cell <= MaxCells; cell++)
        {
            var result = await LoadRunner.RunAsync(json, target, cell % 2 == 1 ? 16 : 1, Cell, 500_000);
            var cpu = result.CpuMsPerRequest ?? 0;
            if (cell % 2 == 1 && previous is { } before && Math.Abs(cpu - before) <= Settled * before && cell >= 5)
            {
                Console.WriteLine($"warm-up {target.Name}: settled after {cell} cells of {Cell.TotalSeconds:F0} s ({cpu:F3} ms CPU per call at c16)");
                return;
            }

            previous = cell % 2 == 1 ? cpu : previous;
        }

        Console.WriteLine($"warm-up {target.Name}: {MaxCells} cells of {Cell.TotalSeconds:F0} s, CPU per call still moving by more than {Settled:P0}");
    }
}
