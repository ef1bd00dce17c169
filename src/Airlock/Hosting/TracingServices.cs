using Airlock.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Airlock.Hosting;

internal static class TracingServices
{
    /// <summary>Exports each call's span over OTLP/HTTP when <c>tracing.otlpEndpoint</c> is set; nothing otherwise.</summary>
    public static IServiceCollection AddAirlockTracing(this IServiceCollection services, TracingOptions options) =>
        options.OtlpEndpoint is { } endpoint ? AddOtlpTracing(services, options, endpoint) : services;

    // Never inlined, so that a gateway without tracing does not load OpenTelemetry's assemblies (see AddAirlockConsole).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IServiceCollection AddOtlpTracing(IServiceCollection services, TracingOptions options, string endpoint)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(CallTracing.SourceName)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = new Uri(endpoint.TrimEnd('/') + "/v1/traces");
                    // Spans leave within a second or so; the gateway flushes the rest when it stops.
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
        return services;
    }
}
