using Prometheus;

namespace Airlock.Telemetry;

/// <summary>Whether the audit trail keeps up: its queue, its commits, and what its failures cost.</summary>
internal static class AuditMetrics
{
    public static readonly Gauge QueueDepth = Metrics.CreateGauge("airlock_audit_queue_depth",
        "Records waiting to be committed; at audit.queueCapacity new calls are refused.");

    public static readonly Histogram Commit = Metrics.CreateHistogram("airlock_audit_commit_duration_seconds",
        "One durable commit of a batch of audit records.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });

    /// <summary>Observes, when disposed, how long since it was called.</summary>
    public static IDisposable TimeCommit() => Commit.NewTimer();

    public static readonly Counter WriteFailures = Metrics.CreateCounter("airlock_audit_write_failures_total",
        "Commits the audit store refused (each fails every record in its batch).");

    public static readonly Counter Unrecorded = Metrics.CreateCounter("airlock_audit_refused_calls_total",
        "Calls refused because their record could not be written (store failing, or queue full).");
}
