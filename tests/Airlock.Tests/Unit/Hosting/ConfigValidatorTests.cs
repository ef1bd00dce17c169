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
        ConfigBinding.Bind(new ConfigurationBuilder().AddInMemoryCollection(yaml).Build(), options);

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
    public void TheConsoleAndSlack_AreCheckedWithTheRest()
    {
        var options = new AirlockOptions();
        var yaml = YamlConfiguration.Flatten("""
            listen: http://127.0.0.1:8080
            issuers:
              - issuer: https://login.example.com
                audiences: [airlock]
            console:
              issuer: https://elsewhere.example.com
              scopes: [profile]
              idleMinutes: 600
              absoluteHours: 1
              listen: http://127.0.0.1:8080
            approvals:
              slack:
                signingSecretEnv: SLACK_SECRET
                signingSecretFile: slack.secret
                users:
                  U1: { groups: [sre] }
            """);
        ConfigBinding.Bind(new ConfigurationBuilder().AddInMemoryCollection(yaml).Build(), options);

        var errors = ConfigValidator.Validate(options);

        Assert.Contains(errors, e => e.StartsWith("console.issuer: 'https://elsewhere.example.com' is not one of issuers", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("console.scopes: include openid", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("console.roles:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("console.idleMinutes and console.absoluteHours", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("console.listen must use a port of its own", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("approvals.slack: give signingSecretEnv or signingSecretFile, not both", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("approvals.slack.users.U1: give the subject", StringComparison.Ordinal));
    }

    [Fact]
    public void AListGivenInTheFile_ReplacesItsDefault_RatherThanAddingToIt()
    {
        var options = new AirlockOptions();
        var yaml = YamlConfiguration.Flatten("""
            issuers:
              - issuer: https://login.example.com
                audiences: [airlock]
                algorithms: [ES256]
            console:
              scopes: [openid, groups]
            """);
        ConfigBinding.Bind(new ConfigurationBuilder().AddInMemoryCollection(yaml).Build(), options);

        Assert.Equal(["ES256"], options.Issuers[0].Algorithms);
        Assert.Equal(["openid", "groups"], options.Console.Scopes);
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
            ConfigBinding.Bind(YamlConfiguration.Load(file), options);

            Assert.Equal("ap-south-1", options.Connections[0].Region);
            Assert.Equal("http://127.0.0.1:1", options.Listen);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AIRLOCK_Connections__0__Region", null);
        }
    }
}
