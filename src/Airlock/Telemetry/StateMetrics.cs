using Prometheus;

namespace Airlock.Telemetry;

/// <summary>
/// Approvals, grants and sessions. The gauges are read from the store before each scrape, so every node reports the
/// cluster's figure (aggregate them with <c>max</c>); the counters count what happened on this node (<c>sum</c> them).
/// </summary>
internal static class StateMetrics
{
    public static readonly Gauge ApprovalsPending = Metrics.CreateGauge("airlock_approvals_pending",
        "Held calls waiting for a decision (still within their time to live), across every node sharing the store.");

    public static readonly Counter ApprovalsDecided = Metrics.CreateCounter("airlock_approvals_decided_total",
        "Approvals settled through this node, by outcome: approved or denied.", new CounterConfiguration { LabelNames = ["outcome"] })
        .Publish(["approved"], ["denied"]);

    public static readonly Histogram ApprovalWait = Metrics.CreateHistogram("airlock_approval_wait_seconds",
        "From a call being held to its approval being settled.",
        new HistogramConfiguration { Buckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });

    public static readonly Gauge GrantsActive = Metrics.CreateGauge("airlock_grants_active",
        "Time-boxed grants approved and not yet expired or revoked, across every node.");

    public static readonly Counter SessionsIssued = Metrics.CreateCounter("airlock_sessions_issued_total",
        "Sessions this node issued for a token.");

    public static readonly Counter SessionsRevoked = Metrics.CreateCounter("airlock_sessions_revoked_total",
        "Sessions revoked through this node (one by one, or all of a subject's).");

    public static readonly Gauge SessionsActive = Metrics.CreateGauge("airlock_sessions_active",
        "Sessions neither expired nor revoked, across every node.");
}
