using System.Globalization;

namespace Airlock.Load;

/// <summary>CPU time and resident memory of the processes that make up one hop (the gateway, or nginx's workers), from /proc.</summary>
internal sealed class ProcessMeter(IReadOnlyList<int> pids)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public bool IsEmpty => pids.Count == 0;

    /// <summary>User plus system CPU seconds so far, summed over the processes.</summary>
    public double CpuSeconds() => pids.Sum(pid => Ticks(File.ReadAllText($"/proc/{pid}/stat")));

    /// <summary>
    /// CPU seconds so far of each process's .NET tiered-compilation thread, by thread id: the JIT promoting methods
    /// to their optimized tiers. The thread ends when idle for a while, and a new one starts when there is work.
    /// </summary>
    public Dictionary<string, double> JitThreadCpuSeconds()
    {
        var threads = new Dictionary<string, double>();
        foreach (var pid in pids)
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                    {
                        threads[task] = Ticks(File.ReadAllText(Path.Combine(task, "stat")));
                    }
                }
                catch (IOException)
                {
                    // The thread ended while being read.
                }
            }
        }

        return threads;
    }

    private static double Ticks(string stat)
    {
        // Fields after the command name (which may hold spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Resident memory now, MiB, summed.</summary>
    public double ResidentMegabytes() => pids.Sum(pid => Status(pid, "VmRSS:"));

    /// <summary>The highest resident memory each process has had since it started, MiB, summed.</summary>
    public double PeakResidentMegabytes() => pids.Sum(pid => Status(pid, "VmHWM:"));

    private static double Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }
}
