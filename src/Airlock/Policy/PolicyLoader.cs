using Airlock.Aws.Catalog;
using YamlDotNet.RepresentationModel;

namespace Airlock.Policy;

/// <summary>Builds the policy from the configuration: inline statements in airlock.yaml and the files it lists.</summary>
internal static class PolicyLoader
{
    /// <returns>The policy (null when invalid), every error, and every file read (the configuration, the policy files, their includes).</returns>
    public static (CompiledPolicy? Policy, IReadOnlyList<string> Errors, IReadOnlyCollection<string> Sources) Load(
        string? configPath, IEnumerable<string> files, ServiceCatalog catalog)
    {
        var parser = new PolicyParser(catalog);
        var baseDirectory = configPath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(configPath)!;
        if (configPath is not null && InlinePolicy(configPath) is { } inline)
        {
            parser.ParseDocument(inline, configPath, baseDirectory, principalOverride: null);
        }

        foreach (var file in files)
        {
            parser.ParseFile(Path.Combine(baseDirectory, file));
        }

        var sources = parser.Files.Concat(configPath is null ? [] : [Path.GetFullPath(configPath)]).ToHashSet(StringComparer.Ordinal);
        return parser.Errors.Count > 0 ? (null, parser.Errors, sources) : (new CompiledPolicy(parser.Statements, sources), [], sources);
    }

    /// <summary>The <c>policy</c> section of airlock.yaml, as YAML nodes, so errors keep their lines.</summary>
    private static YamlMappingNode? InlinePolicy(string configPath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(configPath)));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root.Children.FirstOrDefault(c => string.Equals(((YamlScalarNode)c.Key).Value, "policy", StringComparison.OrdinalIgnoreCase)).Value as YamlMappingNode
            : null;
    }
}
