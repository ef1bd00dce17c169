using Microsoft.Extensions.Configuration;
using Airlock.Hosting;
using Xunit;

namespace Airlock.Tests.Unit.Hosting;

public sealed class ConfigValidatorTests
{
    [Fact]
    public void Validate_ReportsEveryErrorWithItsPath()
    {
        var options = new AirlockOptions();
        var yaml = YamlConfiguration.Flatten("""
            listen: not a url
            issuers:
              - issuer: http://idp.example.com
            limits:
              maxBufferedBodyBytes: 1000000
              maxBufferedBytesInFlight: 500000
            connections:
              - name: "bad name"
                credentials: { source: vault }
              - name: ok
                credentials: { source: static }
            """);
        new ConfigurationBuilder().AddInMemoryCollection(yaml).Build().Bind(options);

        var errors = ConfigValidator.Validate(options);

        Assert.Contains(errors, e => e.StartsWith("listen:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("issuers[0].issuer: plain http", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("issuers[0].audiences", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("connections[0].name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("connections[0].credentials.source", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("connections[1].credentials: 'static' needs", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("limits.maxBufferedBodyBytes and limits.maxBufferedBytesInFlight", StringComparison.Ordinal));
    }

    [Fact]
    public void EnvironmentVariables_OverrideTheFile()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "listen: http://127.0.0.1:1\nconnections:\n  - name: a\n    region: eu-west-1\n");
        Environment.SetEnvironmentVariable("AIRLOCK_Connections__0__Region", "ap-south-1");
        try
        {
            var options = new AirlockOptions();
            YamlConfiguration.Load(file).Bind(options);

            Assert.Equal("ap-south-1", options.Connections[0].Region);
            Assert.Equal("http://127.0.0.1:1", options.Listen);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AIRLOCK_Connections__0__Region", null);
        }
    }
}
