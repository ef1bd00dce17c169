using System.Globalization;
using Airlock.Aws.Catalog;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Airlock.Policy;

/// <summary>
/// Reads policy documents (YAML, or JSON, which YAML reads too) into statements and checks them:
/// unknown keys, effects, actions, operators and condition keys, malformed ARNs. Every error is
/// reported, each with its file and line.
/// </summary>
internal sealed partial class PolicyParser(ServiceCatalog catalog)
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];
    private readonly List<PolicyStatement> _statements = [];
    private readonly HashSet<string> _included = new(StringComparer.Ordinal);

    /// <summary>Whether Include may name files; off for policies typed into the console, which must not read the server's files.</summary>
    public bool FileIncludes { get; init; } = true;

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>What loads but may not mean what the author thinks (an operation name where IAM names the action otherwise).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<PolicyStatement> Statements => _statements;

    /// <summary>The files read, includes too: what a reload must watch.</summary>
    public IReadOnlyCollection<string> Files => _included;

    /// <summary>Reads one file (its includes too).</summary>
    public void ParseFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!_included.Add(full))
        {
            return;
        }

        if (!File.Exists(full))
        {
            _errors.Add($"{path}: the policy file does not exist.");
            return;
        }

        ParseText(File.ReadAllText(full), full, Path.GetDirectoryName(full)!, principalOverride: null);
    }

    /// <summary>Reads statements from text; <paramref name="source"/> names it in errors.</summary>
    public void ParseText(string text, string source, string baseDirectory, IReadOnlyDictionary<string, IReadOnlyList<string>>? principalOverride)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            _errors.Add($"{source}:{e.Start.Line}: not valid YAML or JSON: {e.Message}");
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            _errors.Add($"{source}:1: a policy document is a mapping with a Statement list.");
            return;
        }

        ParseDocument(root, source, baseDirectory, principalOverride);
    }

    /// <summary>Reads a document already loaded as YAML (the <c>policy</c> section of airlock.yaml).</summary>
    public void ParseDocument(YamlMappingNode root, string source, string baseDirectory, IReadOnlyDictionary<string, IReadOnlyList<string>>? principalOverride)
    {
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key.ToLowerInvariant())
            {
                case "version":
                case "files":
                    break;
                case "statement":
                case "statements":
                    var list = value is YamlSequenceNode seq ? seq.Children : [value];
                    foreach (var node in list)
                    {
                        ParseStatement(node, source, principalOverride);
                    }

                    break;
                case "include":
                    foreach (var node in value is YamlSequenceNode includes ? includes.Children : [value])
                    {
                        ParseInclude(node, source, baseDirectory);
                    }

                    break;
                default:
                    _errors.Add($"{At(source, keyNode)}: unknown policy key '{key}' (expected Version, Statement, Include).");
                    break;
            }
        }
    }

    private void ParseInclude(YamlNode node, string source, string baseDirectory)
    {
        IReadOnlyDictionary<string, IReadOnlyList<string>>? principal = null;
        string? name = (node as YamlScalarNode)?.Value;
        if (node is YamlMappingNode map)
        {
            name = Scalar(map, "Preset") ?? Scalar(map, "File");
            if (Child(map, "Principal") is { } principalNode)
            {
                principal = ParsePrincipal(principalNode, source);
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            _errors.Add($"{At(source, node)}: Include takes a file, 'preset:NAME', or a mapping with Preset and Principal.");
            return;
        }

        var preset = name.StartsWith("preset:", StringComparison.Ordinal) ? name["preset:".Length..]
            : node is YamlMappingNode m && Scalar(m, "Preset") is not null ? name : null;
        if (preset is not null)
        {
            var text = PolicyPresets.Read(preset);
            if (text is null)
            {
                _errors.Add($"{At(source, node)}: unknown preset '{preset}' (presets: {string.Join(", ", PolicyPresets.Names)}).");
                return;
            }

            ParseText(text, $"preset:{preset}", baseDirectory, principal);
            return;
        }

        if (!FileIncludes)
        {
            _errors.Add($"{At(source, node)}: Include of a file is not allowed here; include a preset, or paste the file's statements.");
            return;
        }

        var path = Path.GetFullPath(Path.Combine(baseDirectory, name));
        if (_included.Add(path))
        {
            if (File.Exists(path))
            {
                ParseText(File.ReadAllText(path), path, Path.GetDirectoryName(path)!, principal);
            }
            else
            {
                _errors.Add($"{At(source, node)}: included file {name} does not exist.");
            }
        }
    }

    private static string At(string source, YamlNode node) => $"{source}:{node.Start.Line}";

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(c => string.Equals(((YamlScalarNode)c.Key).Value, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private List<string> Strings(YamlNode node, string source, string what)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return [scalar.Value ?? ""];
            case YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode):
                return list.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            default:
                _errors.Add($"{At(source, node)}: {what} takes a string or a list of strings.");
                return [];
        }
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
