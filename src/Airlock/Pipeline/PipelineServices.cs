using Airlock.Approvals;

namespace Airlock.Pipeline;

internal static class PipelineServices
{
    /// <summary>The stages every front end shares; held calls name their decide URL under <paramref name="publicUrl"/>.</summary>
    public static IServiceCollection AddAirlockPipeline(this IServiceCollection services, string publicUrl)
    {
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<AuthorizeStage>();
        services.AddSingleton(sp => new HoldStage(sp.GetRequiredService<ApprovalGate>(), sp.GetRequiredService<CallRecorder>(), publicUrl));
        services.AddSingleton<CredentialsStage>();
        services.AddSingleton<CallPipeline>();
        return services;
    }
}
