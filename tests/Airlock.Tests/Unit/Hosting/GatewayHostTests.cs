using Airlock.Hosting;
using Microsoft.Extensions.Configuration.Json;
using Xunit;

namespace Airlock.Tests.Unit.Hosting;

public sealed class GatewayHostTests
{
    [Fact]
    public void TheHost_ReadsNoSettingsFileFromTheWorkingDirectory_AndWatchesNoFolder()
    {
        var builder = GatewayHost.CreateBuilder();

        // The working directory is wherever the operator happens to be (often beside the store's files).
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(builder.Environment.ContentRootPath));
        var files = builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList();
        Assert.All(files, file => Assert.False(file.ReloadOnChange, $"{file.Path} is watched for changes"));
    }
}
