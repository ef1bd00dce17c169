using Airlock.Aws.Resolution;

namespace Airlock.Gateway;

internal static class GatewayServices
{
    /// <summary>The AWS API front end: SigV4 in, the shared stages, re-signed and streamed out.</summary>
    public static IServiceCollection AddAirlockAwsFrontEnd(this IServiceCollection services, GatewayOptions options, LimitOptions limits)
    {
        services.AddSingleton(options);
        services.AddSingleton(new BufferedBodyBudget(limits.MaxBufferedBytesInFlight));
        services.AddSingleton<OperationResolver>();
        services.AddSingleton<BufferedBodyReader>();
        services.AddSingleton<SigV4Authenticator>();
        services.AddSingleton<AwsCallResolver>();
        services.AddSingleton<AwsAnswers>();
        services.AddSingleton<StsDoor>();
        services.AddSingleton<AirlockAnsweredCalls>();
        services.AddSingleton<AwsCallRuns>();
        services.AddSingleton<SignedCallHandler>();
        services.AddSingleton<GatewayHandler>();
        return services;
    }

    /// <summary>Every request no endpoint took is an AWS call.</summary>
    public static void UseAirlockAwsFrontEnd(this WebApplication app)
    {
        var handler = app.Services.GetRequiredService<GatewayHandler>();
        app.Run(handler.HandleAsync);
    }
}
