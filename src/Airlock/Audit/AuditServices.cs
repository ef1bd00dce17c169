using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Audit;

internal static class AuditServices
{
    /// <summary>The audit trail the configuration names, and the recorder of sessions' ends.</summary>
    public static IServiceCollection AddAirlockAudit(this IServiceCollection services, AuditOptions options, string baseDirectory)
    {
        services.AddSingleton(options);
        // From a factory, so that the container disposes the store at shutdown: the writer drains and signs a last checkpoint.
        services.AddSingleton(sp => AuditDatabases.Open(options, sp.GetRequiredService<SqliteDatabase>(), baseDirectory, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Airlock.Audit"), sp.GetService<Identity.SessionsVersionWatch>()));
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<AuditStore>());
        services.AddHostedService<SessionEndRecorder>();
        services.AddHostedService<AuditRetentionSweeper>();
        return services;
    }
}
