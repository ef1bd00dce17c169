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
        var values = new IReadOnlyList<string>[template.Placeholders.Length];
        var combinations = 1;
        for (var i = 0; i < values.Length; i++)
        {
            var placeholder = template.Placeholders[i];
            values[i] = Values(placeholder.Name, parameters, region, account);
            if (values[i].Count == 0)
            {
                return null;
            }

            // A parameter that already holds an ARN names its resource outright.
            if (values[i].Count == 1 && values[i][0].StartsWith("arn:", StringComparison.Ordinal) && placeholder.Name is not ("region" or "account" or "partition"))
            {
                return [values[i][0]];
            }

            if (placeholder.Text == template.Text)
            {
                return null;
            }

            combinations *= values[i].Count;
        }

        // Every combination of the placeholders' values (one, unless a list parameter has several), each ARN built in
        // one pass over the template's pieces: a value is never searched for placeholders itself.
        var results = new List<string>(combinations);
        var choice = new int[values.Length];
        for (var n = 0; n < combinations; n++)
        {
            var rest = n;
            for (var i = values.Length - 1; i >= 0; i--)
            {
                choice[i] = rest % values[i].Count;
                rest /= values[i].Count;
            }

            results.Add(Build(template, values, choice));
        }

        return results;
    }

    private static string Build(Template template, IReadOnlyList<string>[] values, int[] choice)
    {
        var length = 0;
        foreach (var piece in template.Pieces)
        {
            length += piece.Placeholder < 0 ? piece.Literal.Length : Value(template, values, choice, piece.Placeholder).Length;
        }

        return string.Create(length, (template, values, choice), static (span, state) =>
        {
            foreach (var piece in state.template.Pieces)
            {
                var part = piece.Placeholder < 0 ? piece.Literal.AsSpan() : Value(state.template, state.values, state.choice, piece.Placeholder);
                part.CopyTo(span);
                span = span[part.Length..];
            }
        });
    }

    private static ReadOnlySpan<char> Value(Template template, IReadOnlyList<string>[] values, int[] choice, int placeholder)
    {
        var value = values[placeholder][choice[placeholder]].AsSpan();
        return template.Placeholders[placeholder].AfterSlash ? value.TrimStart('/') : value;
    }

    private static IReadOnlyList<string> Values(string name, IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        switch (name)
        {
            case "region": return [region];
            case "account": return [account];
            case "partition": return Partition;
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

    private static readonly string[] Partition = ["aws"];

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>A placeholder of a template: <c>{name}</c> as written, and whether a slash precedes it.</summary>
    private sealed record Placeholder(string Name, string Text, bool AfterSlash);

    /// <summary>A piece of a template: literal text, or the index of a placeholder (the same placeholder may recur).</summary>
    private readonly record struct Piece(string Literal, int Placeholder);

    private sealed record Template(string Text, Placeholder[] Placeholders, Piece[] Pieces)
    {
        public static Template Parse(string text)
        {
            var placeholders = new List<Placeholder>();
            var pieces = new List<Piece>();
            var at = 0;
            foreach (Match m in PlaceholderPattern().Matches(text))
            {
                if (m.Index > at)
                {
                    pieces.Add(new Piece(text[at..m.Index], -1));
                }

                var index = placeholders.FindIndex(p => p.Text == m.Value);
                if (index < 0)
                {
                    index = placeholders.Count;
                    placeholders.Add(new Placeholder(m.Groups[1].Value, m.Value, m.Index > 0 && text[m.Index - 1] == '/'));
                }

                pieces.Add(new Piece("", index));
                at = m.Index + m.Length;
            }

            if (at < text.Length)
            {
                pieces.Add(new Piece(text[at..], -1));
            }

            return new Template(text, [.. placeholders], [.. pieces]);
        }
    }
}
