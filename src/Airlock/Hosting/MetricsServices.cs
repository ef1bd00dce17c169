using Airlock.Health;
using Airlock.Telemetry;

namespace Airlock.Hosting;

internal static class MetricsServices
{
    /// <summary>Calls are counted, and the store's gauges read before each scrape, only when <c>/metrics</c> is served.</summary>
    public static IServiceCollection AddAirlockMetrics(this IServiceCollection services, AdminOptions admin)
    {
        services.AddSingleton(new CallMeter(admin.ServesMetrics));
        if (admin.ServesMetrics)
        {
            services.AddHostedService<MetricsSources>();
        }

        return services;
    }
}
