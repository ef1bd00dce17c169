using System.Collections.Concurrent;
using Prometheus;

namespace Airlock.Telemetry;

/// <summary>
/// Records each call in <see cref="CallMetrics"/>, or nothing when metrics are not served. Each call's series are kept
/// here once looked up: prometheus-net finds a labelled series by building and hashing its label values on every use,
/// and a call touches four or five of them.
/// </summary>
internal sealed class CallMeter
{
    private readonly ConcurrentDictionary<(string FrontEnd, string Connection, string Service, string Operation, string Decision), Counter.Child> _decisions = new();
    private readonly ConcurrentDictionary<(string FrontEnd, string Service), (Histogram.Child Duration, Histogram.Child OwnTime)> _durations = new();
    private readonly ConcurrentDictionary<(string Connection, string Service, int StatusClass), Histogram.Child> _upstream = new();
    private readonly ConcurrentDictionary<string, Counter.Child> _masked;
    private readonly ConcurrentDictionary<string, Counter.Child>.AlternateLookup<ReadOnlySpan<char>> _maskedBySpan;

    private readonly bool _enabled;

    public CallMeter(bool enabled)
    {
        _enabled = enabled;
        _masked = new ConcurrentDictionary<string, Counter.Child>(StringComparer.Ordinal);
        _maskedBySpan = _masked.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Decided(string frontEnd, string connection, string service, string operation, string decision)
    {
        if (_enabled)
        {
            _decisions.GetOrAdd((frontEnd, connection, service, operation, decision),
                key => CallMetrics.Decisions.WithLabels(key.FrontEnd, key.Connection, key.Service, key.Operation, key.Decision)).Inc();
        }
    }

    /// <summary>A call that ran: its whole time and the upstream's part of it, in seconds, and the fields masked in its response.</summary>
    public void Ran(string frontEnd, string connection, string service, int? status, double seconds, double upstreamSeconds, IReadOnlyList<string> masked)
    {
        if (!_enabled)
        {
            return;
        }

        var (duration, ownTime) = _durations.GetOrAdd((frontEnd, service),
            key => (CallMetrics.Duration.WithLabels(key.FrontEnd, key.Service), CallMetrics.OwnTime.WithLabels(key.FrontEnd, key.Service)));
        duration.Observe(seconds);
        ownTime.Observe(Math.Max(0, seconds - upstreamSeconds));
        _upstream.GetOrAdd((connection, service, status is { } s ? s / 100 : 0),
            key => CallMetrics.Upstream.WithLabels(key.Connection, key.Service, key.StatusClass == 0 ? "none" : $"{key.StatusClass}xx")).Observe(upstreamSeconds);
        foreach (var field in masked)
        {
            var source = MaskSource(field);
            if (!_maskedBySpan.TryGetValue(source, out var counter))
            {
                var name = source.ToString();
                counter = _masked.GetOrAdd(name, CallMetrics.Masked.WithLabels(name));
            }

            counter.Inc();
        }
    }

    // A masked field is recorded as "<path> by <source>[:<name>]" (model, rule:NAME, detector:NAME).
    private static ReadOnlySpan<char> MaskSource(string field)
    {
        var at = field.LastIndexOf(" by ", StringComparison.Ordinal);
        if (at < 0)
        {
            return "unknown";
        }

        var source = field.AsSpan(at + 4);
        var end = source.IndexOfAny(':', ' ');
        return end < 0 ? source : source[..end];
    }
}
