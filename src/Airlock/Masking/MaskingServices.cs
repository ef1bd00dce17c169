namespace Airlock.Masking;

internal static class MaskingServices
{
    /// <summary>The masking plans, keyed for hashes by the file <paramref name="hashKeyFile"/> (made on first use).</summary>
    public static IServiceCollection AddAirlockMasking(this IServiceCollection services, MaskingOptions options, string hashKeyFile)
    {
        services.AddSingleton(new MaskPlanner(options, Masker.FromKeyFile(hashKeyFile)));
        return services;
    }
}
