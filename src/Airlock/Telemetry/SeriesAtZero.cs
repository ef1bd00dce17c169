using Prometheus;

namespace Airlock.Telemetry;

internal static class SeriesAtZero
{
    /// <summary>
    /// Shows each labelled series at 0 before its first event: rates and alerts need the series from the start, not from
    /// the first failure. Each entry is one series' label values, in the counter's label order.
    /// </summary>
    public static Counter Publish(this Counter counter, params string[][] series)
    {
        foreach (var labels in series)
        {
            counter.WithLabels(labels);
        }

        return counter;
    }
}
