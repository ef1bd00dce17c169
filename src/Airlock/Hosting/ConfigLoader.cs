namespace Airlock.Hosting;

/// <summary>Loads and validates the configuration the commands share.</summary>
internal static class ConfigLoader
{
    /// <summary>The file named, else <c>AIRLOCK_CONFIG</c>, else <c>./airlock.yaml</c>.</summary>
    public static string? ResolvePath(string? path)
    {
        path ??= Environment.GetEnvironmentVariable("AIRLOCK_CONFIG");
        if (path is null && File.Exists("airlock.yaml"))
        {
            path = "airlock.yaml";
        }

        return path is null ? null : Path.GetFullPath(path);
    }

    /// <summary>The options, the folder relative paths start from, and every configuration error.</summary>
    public static (AirlockOptions Options, string BaseDirectory, IReadOnlyList<string> Errors) Load(string? path, bool demo = false)
    {
        var resolved = ResolvePath(path);
        if (resolved is not null && !File.Exists(resolved))
        {
            return (new AirlockOptions(), ".", [$"The configuration file {resolved} does not exist."]);
        }

        var options = new AirlockOptions { DemoIssuer = demo };
        try
        {
            ConfigBinding.Bind(YamlConfiguration.Load(resolved), options);
        }
        catch (Exception e) when (e is InvalidOperationException or YamlDotNet.Core.YamlException or FormatException)
        {
            return (options, ".", [$"{resolved}: {e.Message}"]);
        }

        var baseDirectory = resolved is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(resolved)!;
        // One setting points a node at PostgreSQL: the audit trail goes there too unless it is given a database of its own.
        options.Audit.Postgresql ??= options.Store.Postgresql;
        return (options, baseDirectory, ConfigValidator.Validate(options));
    }

    /// <summary>Loads configuration and policy together, as <c>serve</c> and <c>demo</c> need them, with every error of both.</summary>
    public static (AirlockOptions Options, string BaseDirectory, Policy.CompiledPolicy? Policy, IReadOnlyList<string> Errors) LoadWithPolicy(string? path, bool demo = false)
    {
        var (options, baseDirectory, errors) = Load(path, demo);
        if (errors.Any(e => e.Contains("does not exist", StringComparison.Ordinal)))
        {
            return (options, baseDirectory, null, errors);
        }

        var (policy, policyErrors, _) = Policy.PolicyLoader.Load(ResolvePath(path), options.Policy.Files, Aws.Catalog.ServiceCatalog.Default);
        return (options, baseDirectory, policy, [.. errors, .. policyErrors]);
    }
}
