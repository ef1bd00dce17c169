using System.Reflection;
using Airlock.Hosting;

namespace Airlock.Tests.Unit.Deploy;

/// <summary>The environment variables Airlock reads, for checks of what deployment files set.</summary>
internal static class AirlockSettings
{
    /// <summary>An <c>AIRLOCK_Section__Key</c> override naming a real setting.</summary>
    public static bool IsOverride(string name)
    {
        if (!name.StartsWith("AIRLOCK_", StringComparison.Ordinal))
        {
            return false;
        }

        var type = typeof(AirlockOptions);
        foreach (var part in name["AIRLOCK_".Length..].Split("__"))
        {
            if (type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not { } property)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    /// <summary>The variables the configuration names: where the session-secret key and the upstream credentials are.</summary>
    public static IReadOnlySet<string> NamedBy(AirlockOptions options) =>
        new[] { options.Store.SecretKeyEnv }
            .Concat(options.Connections.SelectMany(c => new[] { c.Credentials.AccessKeyIdEnv, c.Credentials.SecretAccessKeyEnv, c.Credentials.SessionTokenEnv }))
            .OfType<string>().ToHashSet();

    /// <summary>
    /// Asserts every configuration error is a variable the deployment sets but this test process does not have.
    /// </summary>
    public static void AssertOnlyUnsetVariables(IReadOnlyList<string> errors, IReadOnlySet<string> set)
    {
        foreach (var error in errors)
        {
            var match = System.Text.RegularExpressions.Regex.Match(error, "the environment variable (\\S+) is not set");
            Xunit.Assert.True(match.Success, error);
            Xunit.Assert.Contains(match.Groups[1].Value, set);
        }
    }
}
