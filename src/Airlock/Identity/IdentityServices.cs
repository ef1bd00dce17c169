using Airlock.Storage;

namespace Airlock.Identity;

internal static class IdentityServices
{
    /// <summary>Sessions (in the node's store), the trusted issuers, and the exchange of a token for a session of one of <paramref name="connections"/>.</summary>
    public static IServiceCollection AddAirlockIdentity(
        this IServiceCollection services, SessionOptions sessions, IReadOnlyList<IssuerOptions> issuers, IReadOnlySet<string> connections)
    {
        services.AddSingleton(sp => new SessionStore(sp.GetRequiredService<IStateDatabase>(), sp.GetRequiredService<SecretSeal>(), sp.GetService<SessionsVersionWatch>()));
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SessionStore>());
        services.AddSingleton(sp => new SessionIssuer(sessions, connections, sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new TokenValidator(issuers));
        services.AddSingleton<SessionExchange>();
        return services;
    }
}
