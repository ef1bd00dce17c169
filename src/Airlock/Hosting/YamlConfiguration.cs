using YamlDotNet.RepresentationModel;

namespace Airlock.Hosting;

/// <summary>
/// Reads the YAML configuration file into ASP.NET Core configuration keys (<c>Connections:0:Name</c>),
/// so that environment variables (<c>AIRLOCK_Connections__0__Endpoint</c>) override it the usual way.
/// </summary>
internal static class YamlConfiguration
{
    public static Dictionary<string, string?> Flatten(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count > 0)
        {
            Walk(stream.Documents[0].RootNode, "", values);
        }

        return values;
    }

    public static IConfigurationRoot Load(string? path)
    {
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            builder.AddInMemoryCollection(Flatten(File.ReadAllText(path)));
        }

        return builder.AddEnvironmentVariables("AIRLOCK_").Build();
    }

    private static void Walk(YamlNode node, string prefix, Dictionary<string, string?> values)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, child) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Walk(child, prefix.Length == 0 ? name : $"{prefix}:{name}", values);
                }

                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    Walk(list.Children[i], $"{prefix}:{i}", values);
                }

                break;
            case YamlScalarNode scalar:
                values[prefix] = scalar.Value;
                break;
        }
    }
}
