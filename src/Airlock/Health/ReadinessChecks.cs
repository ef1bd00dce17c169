using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Policy;
using Airlock.Storage;
using Airlock.Upstream;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Airlock.Health;

/// <summary>
/// What a node needs before a load balancer sends it calls, each a check of <c>/readyz</c>: its store writable, its audit
/// trail taking records, the catalog loaded, every connection's upstream credential present, a valid policy, and the
/// node not stopping. None of them says more than which part is missing: no secret, no connection string.
/// </summary>
internal static class ReadinessChecks
{
    public const string Tag = "ready";

    public static IHealthChecksBuilder AddAirlockReadiness(this IHealthChecksBuilder checks) => checks
        .AddCheck<StoreWritable>("store", tags: [Tag])
        .AddCheck<AuditTakingRecords>("audit", tags: [Tag])
        .AddCheck<CatalogLoaded>("catalog", tags: [Tag])
        .AddCheck<UpstreamCredentialsPresent>("upstream-credentials", tags: [Tag])
        .AddCheck<PolicyLoaded>("policy", tags: [Tag])
        .AddCheck<NotStopping>("not-stopping", tags: [Tag]);

    private sealed class StoreWritable(IStateDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await database.IsWritableAsync(cancellationToken)
                    ? HealthCheckResult.Healthy(database.Description)
                    : HealthCheckResult.Unhealthy($"{database.Description} is read-only");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{database.Description} cannot be reached ({e.GetType().Name})");
            }
        }
    }

    private sealed class AuditTakingRecords(AuditStore audit) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(audit.LastWriteFailed
                ? HealthCheckResult.Unhealthy("the audit store refused the last write: calls are refused until it takes records again")
                : HealthCheckResult.Healthy());
    }

    private sealed class CatalogLoaded(ServiceCatalog catalog) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(catalog.Services.Count > 0
                ? HealthCheckResult.Healthy($"{catalog.Services.Count} services")
                : HealthCheckResult.Unhealthy("the service catalog is empty"));
    }

    private sealed class UpstreamCredentialsPresent(Connections connections) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var missing = connections.Configured
                .Where(c => UpstreamCredentialProvider.Resolve(c.Credentials.Source == "assume_role" && c.Credentials.Base is { } based ? based : c.Credentials) is null)
                .Select(c => c.Name).ToList();
            return Task.FromResult(missing.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"no upstream credential for {string.Join(", ", missing)}"));
        }
    }

    private sealed class PolicyLoaded(PolicyHolder policy) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(policy.LastReloadRejected is { } errors
                ? HealthCheckResult.Degraded($"the policy on disk was rejected ({errors}); the last valid one is in force")
                : HealthCheckResult.Healthy($"{policy.Current.Statements.Count} statements"));
    }

    private sealed class NotStopping(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("the node is stopping")
                : HealthCheckResult.Healthy());
    }
}
