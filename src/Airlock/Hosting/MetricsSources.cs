using Airlock.Approvals;
using Airlock.Gateway;
using Airlock.Identity;
using Airlock.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Airlock.Hosting;

/// <summary>
/// The gauges read just before each scrape: what the store holds now (pending approvals, active grants and sessions,
/// the cluster's figures), and the request bytes this node holds in memory. A store that cannot answer leaves the
/// gauges as they were rather than failing the scrape.
/// </summary>
internal sealed partial class MetricsSources(
    ApprovalStore approvals, GrantStore grants, SessionStore sessions, BufferedBodyBudget buffered, HealthCheckService health, TimeProvider time,
    ILogger<MetricsSources> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Metrics.DefaultRegistry.AddBeforeCollectCallback(ReadAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        UpstreamMetrics.BufferedBytes.Set(buffered.Held);
        // The same checks as /readyz, so an alert can page on readiness lost without another prober.
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(Health.ReadinessChecks.Tag), cancellationToken);
        static int Passes(HealthStatus status) => status == HealthStatus.Unhealthy ? 0 : 1;
        ReadinessMetrics.Ready.Set(Passes(report.Status));
        foreach (var (name, entry) in report.Entries)
        {
            ReadinessMetrics.Check.WithLabels(name).Set(Passes(entry.Status));
        }

        try
        {
            var now = time.GetUtcNow();
            StateMetrics.ApprovalsPending.Set(await approvals.CountPendingAsync(now, cancellationToken));
            StateMetrics.GrantsActive.Set(await grants.CountActiveAsync(now, cancellationToken));
            StateMetrics.SessionsActive.Set(await sessions.CountActiveAsync(now, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StoreUnread(logger, e.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "metrics: the store could not be read for the gauges ({Reason}); they keep their last values")]
        public static partial void StoreUnread(ILogger logger, string reason);
    }
}
