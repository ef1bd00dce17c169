using System.Diagnostics;

namespace Airlock.Telemetry;

/// <summary>
/// One span per call, when tracing is configured (otherwise no listener, and no span is made): continuing the caller's
/// trace from its <c>traceparent</c>, with the call's stages as events and attributes after OpenTelemetry's conventions
/// for RPC and AWS. Only names and outcomes: no parameter, header, resource, secret or token.
/// </summary>
internal static class CallTracing
{
    public const string SourceName = "Airlock";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The call's span, or null when no one listens (tracing off, or not sampled).</summary>
    public static Activity? Start(string? traceparent, string? tracestate) =>
        ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parent)
            ? Source.StartActivity("airlock call", ActivityKind.Server, parent)
            : Source.StartActivity("airlock call", ActivityKind.Server);

    /// <summary>The decision recorded for the call running now (the last, for a held call then released).</summary>
    public static void Decided(string decision) => Activity.Current?.SetTag("airlock.decision", decision);

    /// <summary>How the upstream answered the call running now.</summary>
    public static void Answered(int? status, string? upstreamRequestId)
    {
        if (Activity.Current is not { } span)
        {
            return;
        }

        if (status is { } code)
        {
            span.SetTag("http.response.status_code", code);
        }

        if (upstreamRequestId is not null)
        {
            span.SetTag("aws.request_id", upstreamRequestId);
        }
    }

    /// <summary>Ends the span with what the call was and each stage it went through, as an event with its time.</summary>
    public static void End(Activity span, string frontEnd, string? service, string? operation, string? region, string? connection, string? session,
        IReadOnlyDictionary<string, double> timings)
    {
        span.DisplayName = service is null ? "airlock call" : $"{service}/{operation}";
        span.SetTag("airlock.front_end", frontEnd);
        span.SetTag("rpc.system", "aws-api");
        span.SetTag("rpc.service", service);
        span.SetTag("rpc.method", operation);
        span.SetTag("cloud.region", region);
        span.SetTag("airlock.connection", connection);
        span.SetTag("airlock.session", session);
        foreach (var (stage, ms) in timings)
        {
            span.AddEvent(new ActivityEvent(stage, tags: new ActivityTagsCollection { ["airlock.duration_ms"] = ms }));
        }

        span.Dispose();
    }
}
