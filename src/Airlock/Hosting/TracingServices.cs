using Airlock.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Airlock.Hosting;

internal static class TracingServices
{
    /// <summary>Exports each call's span over OTLP/HTTP when <c>tracing.otlpEndpoint</c> is set; nothing otherwise.</summary>
    public static IServiceCollection AddAirlockTracing(this IServiceCollection services, TracingOptions options)
    {
        if (options.OtlpEndpoint is not { } endpoint)
        {
            return services;
        }

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
