using Prometheus;

namespace Airlock.Telemetry;

/// <summary>
/// What the calls through Airlock did, for Prometheus: every recorded decision, how long calls took, how much of that
/// was Airlock's own work, and how the upstream answered. Labels are the few values a deployment has (front ends,
/// connections, services, the operations in use, four decisions), never a principal, session, resource or request id.
/// </summary>
internal static class CallMetrics
{
    // From 1 ms to ~30 s: a lone call's own work through a call held for approval.
    private static readonly double[] Seconds = Histogram.ExponentialBuckets(0.0005, 2, 17);

    public static readonly Counter Decisions = Metrics.CreateCounter("airlock_calls_total",
        "Calls recorded, by decision: allow (sent upstream or answered by Airlock), deny, review (held for approval), refuse (not understood, or refused before a decision).",
        new CounterConfiguration { LabelNames = ["front_end", "connection", "service", "operation", "decision"] });

    public static readonly Histogram Duration = Metrics.CreateHistogram("airlock_call_duration_seconds",
        "Whole calls that ran, from the request's arrival to the end of the response.",
        new HistogramConfiguration { LabelNames = ["front_end", "service"], Buckets = Seconds });

    public static readonly Histogram OwnTime = Metrics.CreateHistogram("airlock_processing_duration_seconds",
        "Airlock's own part of calls that ran: the whole call less the upstream's time to answer and the relay of its response.",
        new HistogramConfiguration { LabelNames = ["front_end", "service"], Buckets = Seconds });

    public static readonly Histogram Upstream = Metrics.CreateHistogram("airlock_upstream_duration_seconds",
        "From sending a call upstream to the end of its response, by the class of the upstream's status (2xx, 4xx, 5xx, or none when unreachable).",
        new HistogramConfiguration { LabelNames = ["connection", "service", "status_class"], Buckets = Seconds });

    public static readonly Counter Masked = Metrics.CreateCounter("airlock_masked_fields_total",
        "Response fields masked, by what asked for it: model (members the AWS models mark sensitive), rule, detector.",
        new CounterConfiguration { LabelNames = ["source"] });
}
