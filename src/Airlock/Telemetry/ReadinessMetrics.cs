using Prometheus;

namespace Airlock.Telemetry;

/// <summary>What <c>/readyz</c> says, as metrics: for alerts on readiness lost, and on which part.</summary>
internal static class ReadinessMetrics
{
    public static readonly Gauge Ready = Metrics.CreateGauge("airlock_ready",
        "1 when every readiness check passes (or is only degraded), 0 when the node should get no calls.");

    public static readonly Gauge Check = Metrics.CreateGauge("airlock_readiness_check",
        "1 when the readiness check passes (or is only degraded), 0 when it fails.", new GaugeConfiguration { LabelNames = ["check"] });
}
