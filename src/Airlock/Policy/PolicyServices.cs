using Airlock.Aws.Catalog;

namespace Airlock.Policy;

internal static class PolicyServices
{
    /// <summary>The policy in force, starting from <paramref name="policy"/> and reloaded when its files change.</summary>
    public static IServiceCollection AddAirlockPolicy(this IServiceCollection services, CompiledPolicy policy, string? configPath, PolicyOptions options)
    {
        services.AddSingleton(sp => new PolicyHolder(policy, configPath, options.Files, sp.GetRequiredService<ServiceCatalog>(), sp.GetRequiredService<ILogger<PolicyHolder>>()));
        services.AddSingleton<IPolicyEvaluator>(sp => sp.GetRequiredService<PolicyHolder>());
        return services;
    }
}
