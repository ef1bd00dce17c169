namespace Airlock.Upstream;

internal static class UpstreamServices
{
    /// <summary>The connections, their credentials (assumed roles included) and the client that forwards calls to them.</summary>
    public static IServiceCollection AddAirlockUpstream(this IServiceCollection services, IReadOnlyList<ConnectionOptions> connections)
    {
        services.AddSingleton(new Connections(connections));
        services.AddSingleton(Forwarder.CreateClient());
        services.AddSingleton<Forwarder>();
        services.AddSingleton<AssumeRoleCredentials>();
        foreach (var role in connections.Where(c => c.Credentials.Source == "assume_role"))
        {
            Telemetry.UpstreamMetrics.Publish(role.Name);
        }

        return services;
    }
}
