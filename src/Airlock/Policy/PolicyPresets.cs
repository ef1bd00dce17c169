namespace Airlock.Policy;

/// <summary>The policy presets shipped in the binary, included as <c>preset:NAME</c>.</summary>
internal static class PolicyPresets
{
    public static IReadOnlyList<string> Names { get; } = ["read-only", "destructive-needs-review", "deny-privilege-escalation"];

    public static string? Read(string name)
    {
        if (!Names.Contains(name))
        {
            return null;
        }

        using var stream = typeof(PolicyPresets).Assembly.GetManifestResourceStream($"preset.{name}.yaml");
        return stream is null ? null : new StreamReader(stream).ReadToEnd();
    }
}
