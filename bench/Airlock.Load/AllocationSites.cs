using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Airlock.Load;

/// <summary>
/// Where a running .NET process allocates: the runtime's allocation samples (one event per ~100 KB allocated, naming
/// the type and, with the call stack, the method) for a while, grouped by type and by the nearest Airlock method on
/// the stack (else the nearest outside System.*). A share of the samples is a share of the bytes allocated.
/// </summary>
internal static class AllocationSites
{
    public static async Task RunAsync(int pid, TimeSpan duration, string traceFile, int top)
    {
        var client = new DiagnosticsClient(pid);
        EventPipeProvider[] providers = [new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC)];
        // Rundown on: the methods' names for the stacks come from it, at the session's end.
        using (var session = client.StartEventPipeSession(providers, requestRundown: true))
        {
            await using var file = File.Create(traceFile);
            var copy = session.EventStream.CopyToAsync(file);
            await Task.Delay(duration);
            await session.StopAsync(CancellationToken.None);
            await copy;
        }

        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(traceFile));
        var sites = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        foreach (var traced in log.Events)
        {
            if (traced is not GCAllocationTickTraceData sample)
            {
                continue;
            }

            total += sample.AllocationAmount64;
            var site = $"{sample.TypeName} <- {Site(sample.CallStack())}";
            sites[site] = sites.GetValueOrDefault(site) + sample.AllocationAmount64;
        }

        Console.WriteLine($"sampled: {total / 1e6:F1} MB allocated in {duration.TotalSeconds:F0} s");
        Console.WriteLine("| share | type <- nearest Airlock method |");
        Console.WriteLine("| ---: | --- |");
        foreach (var (site, bytes) in sites.OrderByDescending(s => s.Value).Take(top))
        {
            Console.WriteLine($"| {100.0 * bytes / Math.Max(1, total):F1}% | {site.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }
    }

    private static string Site(TraceCallStack? stack)
    {
        string? outside = null;
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            if (name.StartsWith("Airlock.", StringComparison.Ordinal))
            {
                return name.Split('(')[0];
            }

            if (outside is null && name.Length > 0 && !name.StartsWith("System.", StringComparison.Ordinal))
            {
                outside = name.Split('(')[0];
            }
        }

        return outside ?? "?";
    }
}
