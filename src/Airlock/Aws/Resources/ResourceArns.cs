using System.Text.Json;
using System.Text.RegularExpressions;

namespace Airlock.Aws.Resources;

/// <summary>
/// Derives the resource ARNs a call touches from its parameters, with the per-service templates kept
/// as data in <c>arn-templates.json</c>: one table, no code per service.
/// </summary>
internal sealed partial class ResourceArns(IReadOnlyDictionary<string, string[]> templates)
{
    // Parsed once: every call derives its resources, and matching placeholders anew allocated a regex match per call.
    private readonly Dictionary<string, Template[]> _parsed = templates.ToDictionary(
        t => t.Key, t => t.Value.Select(Template.Parse).ToArray(), StringComparer.Ordinal);

    private static readonly Lazy<ResourceArns> Embedded = new(() =>
    {
        using var stream = typeof(ResourceArns).Assembly.GetManifestResourceStream("arn-templates.json")
            ?? throw new InvalidOperationException("arn-templates.json is missing from the build.");
        var table = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stream)!
            .Where(e => e.Value.ValueKind == JsonValueKind.Array)
            .ToDictionary(e => e.Key, e => e.Value.EnumerateArray().Select(t => t.GetString()!).ToArray(), StringComparer.Ordinal);
        return new ResourceArns(table);
    });

    public static ResourceArns Default => Embedded.Value;

    public IReadOnlyList<string> Derive(string serviceId, IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        if (!_parsed.TryGetValue(serviceId, out var candidates))
        {
            return ["*"];
        }

        foreach (var template in candidates)
        {
            if (Expand(template, parameters, region, account) is { Count: > 0 } arns)
            {
                return arns;
            }
        }

        return ["*"];
    }

    private static List<string>? Expand(Template template, IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        var results = new List<string> { template.Text };
        foreach (var placeholder in template.Placeholders)
        {
            var values = Values(placeholder.Name, parameters, region, account);
            if (values.Count == 0)
            {
                return null;
            }

            // A parameter that already holds an ARN names its resource outright.
            if (values.Count == 1 && values[0].StartsWith("arn:", StringComparison.Ordinal) && placeholder.Name is not ("region" or "account" or "partition"))
            {
                return [values[0]];
            }

            if (placeholder.Text == template.Text)
            {
                return null;
            }

            results = results
                .SelectMany(r => values.Select(v => r.Replace(placeholder.Text, placeholder.AfterSlash ? v.TrimStart('/') : v, StringComparison.Ordinal)))
                .ToList();
        }

        return results;
    }

    private static List<string> Values(string name, IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        switch (name)
        {
            case "region": return [region];
            case "account": return [account];
            case "partition": return ["aws"];
        }

        if (name.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = name[..^1];
            return parameters.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(p.Key[prefix.Length..], out _) && p.Value.Length > 0)
                .OrderBy(p => int.Parse(p.Key[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
                .Select(p => p.Value).ToList();
        }

        if (name.EndsWith(":last", StringComparison.Ordinal))
        {
            return parameters.TryGetValue(name[..^5], out var url) && url.TrimEnd('/').LastIndexOf('/') is var slash and >= 0
                ? [url.TrimEnd('/')[(slash + 1)..]]
                : [];
        }

        return parameters.TryGetValue(name, out var value) && value.Length > 0 ? [value] : [];
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>A placeholder of a template: <c>{name}</c> as written, and whether a slash precedes it.</summary>
    private sealed record Placeholder(string Name, string Text, bool AfterSlash);

    private sealed record Template(string Text, Placeholder[] Placeholders)
    {
        public static Template Parse(string text) => new(text, [.. PlaceholderPattern().Matches(text).Select(m =>
            new Placeholder(m.Groups[1].Value, m.Value, m.Index > 0 && text[m.Index - 1] == '/'))]);
    }
}
