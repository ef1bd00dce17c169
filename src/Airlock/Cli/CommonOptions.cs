using System.CommandLine;

namespace Airlock.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "The configuration file (default: $AIRLOCK_CONFIG, else ./airlock.yaml).",
    };
}
