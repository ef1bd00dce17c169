using Prometheus;

namespace Airlock.Telemetry;

/// <summary>What the node holds and fetches to reach the upstream.</summary>
internal static class UpstreamMetrics
{
    public static readonly Gauge BufferedBytes = Metrics.CreateGauge("airlock_buffered_bytes_in_flight",
        "Request body bytes held in memory by calls in flight (limits.maxBufferedBytesInFlight caps them).");

    public static readonly Counter CredentialRefreshes = Metrics.CreateCounter("airlock_upstream_credential_refreshes_total",
        "Upstream credentials obtained per session from STS AssumeRole, by outcome: ok or failed.",
        new CounterConfiguration { LabelNames = ["connection", "outcome"] });

    /// <summary>A role connection's refresh counters, at 0 before its first refresh.</summary>
    public static void Publish(string connection) => CredentialRefreshes.Publish([connection, "ok"], [connection, "failed"]);
}
