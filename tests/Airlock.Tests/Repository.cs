namespace Airlock.Tests;

/// <summary>The repository the tests run from: tools and data that are not part of the build output.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "tools", "generate-catalog.py")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        return root;
    });

    public static string Root => RootPath.Value;
}
