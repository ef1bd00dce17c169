using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Airlock.Health;

/// <summary>
/// <c>/healthz</c> (the process answers), <c>/readyz</c> (it can take calls) and, unless turned off, <c>/metrics</c>
/// (Prometheus's text format) on the admin listener only.
/// </summary>
internal static class HealthEndpoints
{
    public static IServiceCollection AddAirlockHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddAirlockReadiness();
        return services;
    }

    /// <summary>
    /// Everything that arrives on the admin port is answered here (health, or 404), by the port it arrived on rather than
    /// by its Host header: no AWS call is taken on the admin listener, and no health page on the API's.
    /// </summary>
    public static void UseAirlockAdmin(this WebApplication app, AdminOptions options)
    {
        if (options.Port is not { } port)
        {
            return;
        }

        app.MapWhen(http => http.Connection.LocalPort == port, admin =>
        {
            admin.UseRouting();
            admin.UseEndpoints(endpoints =>
            {
                endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
                endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadinessChecks.Tag), ResponseWriter = WriteAsync });
                if (options.ServesMetrics)
                {
                    endpoints.MapMetrics("/metrics");
                }
            });
            admin.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                json.WriteString("description", description);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
