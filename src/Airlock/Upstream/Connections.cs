namespace Airlock.Upstream;

/// <summary>The configured connections (upstream accounts), found by name.</summary>
internal sealed class Connections(IReadOnlyList<ConnectionOptions> all)
{
    public IReadOnlyList<ConnectionOptions> Configured => all;

    public ConnectionOptions? Find(string name) => all.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
