using Airlock.Telemetry;
using BenchmarkDotNet.Attributes;
using Prometheus;

namespace Airlock.Benchmarks;

/// <summary>
/// What counting one call costs the data path: its decision, then its durations once it ran, with the meter on (each
/// series cached once looked up), off, and as prometheus-net's own lookup by label values would do it.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private readonly CallMeter _on = new(true);
    private readonly CallMeter _off = new(false);

    [Benchmark(Baseline = true)]
    public void MeterOff() => Record(_off);

    [Benchmark]
    public void MeterOn() => Record(_on);

    [Benchmark]
    public void LookedUpEachTime()
    {
        CallMetrics.Decisions.WithLabels("aws-api", "bench", "dynamodb", "GetItem", "allow").Inc();
        CallMetrics.Duration.WithLabels("aws-api", "dynamodb").Observe(0.0021);
        CallMetrics.OwnTime.WithLabels("aws-api", "dynamodb").Observe(0.0012);
        CallMetrics.Upstream.WithLabels("bench", "dynamodb", "2xx").Observe(0.0009);
    }

    private static void Record(CallMeter meter)
    {
        meter.Decided("aws-api", "bench", "dynamodb", "GetItem", "allow");
        meter.Ran("aws-api", "bench", "dynamodb", 200, 0.0021, 0.0009, []);
    }
}
