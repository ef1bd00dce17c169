namespace Airlock.Hosting;

/// <summary>
/// Gives memory back to the system once the gateway has gone quiet after it grew. A burst of calls (a thousand held
/// for review arriving at once, a load peak) leaves the GC's heap committed at its high-water mark and Kestrel's pools
/// full, and nothing collects while nothing allocates: held calls would keep what their arrival took for as long as
/// they wait. When little has been allocated for a whole period and the process holds well more than after the last
/// trim, the pools let go of their kept blocks and one compacting collection returns what is free (as the JVM's
/// periodic collection does for an idle process).
/// </summary>
internal sealed partial class IdleMemoryTrimmer(LargeBlockMemoryPoolFactory pools, TimeProvider time, ILogger<IdleMemoryTrimmer> logger)
    : BackgroundService
{
    /// <summary>How often the process is looked at.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Quiet: at most this much allocated within one period, about thirty calls a second. A node holding a thousand
    /// calls for review allocates ~0.3 MB a second (its one poll of their approvals).
    /// </summary>
    public const long QuietBytes = 2 << 20;

    /// <summary>Resident memory this far above what the last trim left is worth a collection.</summary>
    public const long GrowthBytes = 16 << 20;

    /// <summary>A gateway quiet between bursts is trimmed at most this often: a full collection pauses every call.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var residentAfterTrim = Environment.WorkingSet;
        var lastTrim = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var allocatedNow = GC.GetTotalAllocatedBytes();
            var resident = Environment.WorkingSet;
            var now = time.GetUtcNow();
            if (ShouldTrim(allocatedNow - allocated, resident, residentAfterTrim, now - lastTrim))
            {
                var started = time.GetTimestamp();
                pools.TrimAll();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                residentAfterTrim = Environment.WorkingSet;
                lastTrim = now;
                Log.Trimmed(logger, resident >> 20, residentAfterTrim >> 20, (long)time.GetElapsedTime(started).TotalMilliseconds);
                allocatedNow = GC.GetTotalAllocatedBytes();
            }

            allocated = allocatedNow;
        }
    }

    /// <summary>Quiet for a whole period, grown by <see cref="GrowthBytes"/> since the last trim, and not trimmed lately.</summary>
    public static bool ShouldTrim(long allocatedInPeriod, long resident, long residentAfterLastTrim, TimeSpan sinceLastTrim) =>
        allocatedInPeriod <= QuietBytes && resident - residentAfterLastTrim > GrowthBytes && sinceLastTrim >= Spacing;

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Information, "memory: quiet after growing to {BeforeMb} MB resident; {AfterMb} MB after one collection of {Milliseconds} ms")]
        public static partial void Trimmed(ILogger logger, long beforeMb, long afterMb, long milliseconds);
    }
}
