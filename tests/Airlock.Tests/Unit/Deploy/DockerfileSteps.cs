using System.Text.Json;

namespace Airlock.Tests.Unit.Deploy;

/// <summary>What deploy/Dockerfile's runtime stage says, for the checks that compare other artifacts with it.</summary>
internal static class DockerfileSteps
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "Dockerfile"));

    /// <summary>The numeric user the image runs as.</summary>
    public static long User => long.Parse(Runtime("USER "), System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> Entrypoint => JsonSerializer.Deserialize<string[]>(Runtime("ENTRYPOINT "))!;

    public static IReadOnlyList<string> Command => JsonSerializer.Deserialize<string[]>(Runtime("CMD "))!;

    /// <summary>The health check's command (after its options' <c>CMD</c>).</summary>
    public static IReadOnlyList<string> HealthCheck =>
        JsonSerializer.Deserialize<string[]>(Runtime("HEALTHCHECK ")[(Runtime("HEALTHCHECK ").IndexOf(" CMD ", StringComparison.Ordinal) + 5)..])!;

    private static string Runtime(string instruction) =>
        Lines.SkipWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal) || !l.EndsWith(" AS runtime", StringComparison.Ordinal))
            .Single(l => l.StartsWith(instruction, StringComparison.Ordinal))[instruction.Length..].Trim();
}
