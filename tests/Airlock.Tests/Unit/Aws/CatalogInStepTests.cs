using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

public sealed class CatalogInStepTests
{
    [Fact]
    public async Task CommittedCatalog_MatchesTheGeneratorsOutput()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "tools", "generate-catalog.py")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        var result = await ProcessRunner.RunAsync(Tools.Python, [Path.Combine(root, "tools", "generate-catalog.py"), "--check"], new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("in step", result.StdOut);
    }
}
