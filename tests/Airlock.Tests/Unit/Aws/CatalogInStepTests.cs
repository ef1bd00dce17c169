using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

public sealed class CatalogInStepTests
{
    /// <summary>The committed catalog is what botocore's models and IAM's Service Authorization Reference build today.</summary>
    [Fact]
    public async Task CommittedCatalog_MatchesTheGeneratorsOutput()
    {
        var result = await ProcessRunner.RunAsync(Tools.Python, [Path.Combine(Repository.Root, "tools", "generate-catalog.py"), "--check"], new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("in step", result.StdOut);
    }
}
