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

    [Theory]
    [InlineData(null, null, true, true)] // the node's SQLite file holds both
    [InlineData(null, "Host=audit;Database=trail", true, false)] // the trail elsewhere
    [InlineData("Host=pg;Database=airlock", "Host=pg;Database=airlock", false, true)] // audit.postgresql defaulted to store.postgresql
    [InlineData("Host=pg;Database=airlock", "Host=pg;Database=trail", false, false)]
    public void TheWriterChecksSessions_OnlyWhereItsTrailIsInTheSessionsDatabase(string? store, string? audit, bool sessionsInLocalStore, bool beside)
    {
        var options = new AirlockOptions();
        options.Store.Postgresql = store;
        options.Audit.Postgresql = audit;

        Assert.Equal(beside, GatewayHost.TrailBesideSessions(options, sessionsInLocalStore));
    }
}
