namespace Airlock.Approvals;

internal static class ApprovalServices
{
    /// <summary>Held calls and grants (in the node's store), and the notifier that tells approvers about them.</summary>
    public static IServiceCollection AddAirlockApprovals(this IServiceCollection services, ApprovalOptions options, string baseDirectory)
    {
        services.AddSingleton(options);
        services.AddSingleton<ApprovalStore>();
        services.AddSingleton<ApprovalGate>();
        services.AddSingleton<ApprovalDecisions>();
        services.AddSingleton<GrantStore>();
        services.AddSingleton<GrantDecisions>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<ApprovalNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalNotifier>());
        services.AddHostedService<ApprovalWakeups>();
        if (options.Slack.Enabled)
        {
            var secret = options.Slack.ReadSigningSecret(baseDirectory);
            services.AddSingleton<SlackReplayGuard>();
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SlackInteractions>(sp, secret));
        }
        return services;
    }
}
