using Airlock.Storage;

namespace Airlock.Audit;

/// <summary>
/// Prunes records older than <c>audit.retentionDays</c>, keeping the log verifiable (<see cref="AuditRetention"/>), on
/// one node at a time across the nodes sharing the store, and records each prune in the trail itself.
/// </summary>
internal sealed partial class AuditRetentionSweeper(AuditOptions options, AuditStore audit, IStateDatabase store, TimeProvider time, ILogger<AuditRetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.RetentionDays is not { } days)
        {
            return;
        }

        // Often enough that nothing outlives its retention by more than a quarter of it; at most hourly.
        var retention = TimeSpan.FromDays(days);
        var interval = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(1).Ticks));
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is down or busy: the next tick tries again.
                Log.Failed(logger, e);
            }
        }
    }

    /// <summary>One sweep: false when another node is sweeping now.</summary>
    public Task<bool> SweepAsync(CancellationToken cancellationToken) =>
        store.RunAloneAsync("audit-retention", async ct =>
        {
            var before = time.GetUtcNow() - TimeSpan.FromDays(options.RetentionDays!.Value);
            if (await AuditRetention.PruneAsync(audit.Database, before, ct) is { } pruned)
            {
                Log.Pruned(logger, pruned.LogRecords, pruned.AnchorSeq);
                await audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), "airlock", "PruneAudit", $"checkpoint {pruned.AnchorSeq}",
                    $"retention {options.RetentionDays} days: {pruned.LogRecords} log records and {pruned.AuditRows} audit rows before {StoreTime.Format(before)} pruned"), ct);
            }
        }, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "audit retention: pruned {Records} log records; the log now starts after checkpoint {Anchor}")]
        public static partial void Pruned(ILogger logger, long records, long anchor);

        [LoggerMessage(51, LogLevel.Warning, "audit retention: the sweep failed; the next one tries again")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
