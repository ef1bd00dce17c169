using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>SDKs get Airlock credentials the standard ways, with no custom code.</summary>
[Collection(AirlockCollection.Name)]
public sealed class WebIdentityTests(AirlockEnvironment env)
{
    private const string ListBuckets = "import boto3; print('buckets', len(boto3.client('s3').list_buckets()['Buckets']))";

    [Fact]
    public async Task Boto3_WithWebIdentityTokenFile_GetsCredentialsFromAirlocksSts()
    {
        var tokenFile = Path.Combine(env.WorkDir, "boto3.jwt");
        await File.WriteAllTextAsync(tokenFile, env.Issuer.Mint(subject: "boto3-agent"));
        var environment = ProcessRunner.SafeAwsEnvironment(env.WorkDir);
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile;
        environment["AWS_ROLE_ARN"] = $"arn:aws:iam::123456789012:role/{AirlockEnvironment.Connection}";
        environment["AWS_ROLE_SESSION_NAME"] = "boto3";
        environment["AWS_ENDPOINT_URL"] = env.Gateway.Url;

        var result = await ProcessRunner.RunAsync(Tools.Python, ["-c", ListBuckets], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("buckets ", result.StdOut);
        var audit = (await env.AuditAsync()).Where(e => e.Principal == "boto3-agent").ToList();
        Assert.Contains(audit, e => e.Operation == "AssumeRoleWithWebIdentity" && e.Decision == "allow");
        Assert.Contains(audit, e => e.Operation == "ListBuckets" && e.Decision == "allow" && e.UpstreamStatus == 200);
    }

    [Fact]
    public async Task CredentialProcess_WorksForBoto3AndTheCliV2()
    {
        var tokenFile = Path.Combine(env.WorkDir, "process.jwt");
        await File.WriteAllTextAsync(tokenFile, env.Issuer.Mint(subject: "process-agent"));
        var config = Path.Combine(env.WorkDir, "credential-process.config");
        await File.WriteAllTextAsync(config, $"""
            [profile airlock]
            region = us-east-1
            credential_process = dotnet {Tools.AirlockDll} credentials --gateway {env.Gateway.Url} --token-file {tokenFile} --connection {AirlockEnvironment.Connection}
            """);
        var environment = ProcessRunner.SafeAwsEnvironment(env.WorkDir);
        environment["AWS_CONFIG_FILE"] = config;
        environment["AWS_PROFILE"] = "airlock";

        var boto3 = await ProcessRunner.RunAsync(Tools.Python, ["-c", ListBuckets],
            new Dictionary<string, string?>(environment) { ["AWS_ENDPOINT_URL"] = env.Gateway.Url });
        var cli = await ProcessRunner.RunAsync(Tools.AwsCliV2, ["sts", "get-caller-identity", "--endpoint-url", env.Gateway.Url], environment);

        Assert.True(boto3.ExitCode == 0, boto3.ToString());
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("assumed-role/airlock-moto/process-agent", cli.StdOut);
    }

    [Fact]
    public async Task CredentialsCommand_PrintsCredentialProcessJson()
    {
        var tokenFile = Path.Combine(env.WorkDir, "json.jwt");
        await File.WriteAllTextAsync(tokenFile, env.Issuer.Mint());

        var result = await ProcessRunner.RunAsync("dotnet",
            [Tools.AirlockDll, "credentials", "--gateway", env.Gateway.Url, "--token-file", tokenFile, "--connection", AirlockEnvironment.Connection],
            new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        Assert.Equal(1, json.RootElement.GetProperty("Version").GetInt32());
        Assert.StartsWith("ASIA", json.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.True(DateTimeOffset.Parse(json.RootElement.GetProperty("Expiration").GetString()!) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task CredentialsCommand_WithABadToken_FailsWithTheReason()
    {
        var tokenFile = Path.Combine(env.WorkDir, "bad.jwt");
        await File.WriteAllTextAsync(tokenFile, env.Issuer.Mint(audience: "not-airlock"));

        var result = await ProcessRunner.RunAsync("dotnet",
            [Tools.AirlockDll, "credentials", "--gateway", env.Gateway.Url, "--token-file", tokenFile, "--connection", AirlockEnvironment.Connection],
            new Dictionary<string, string?>());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("wrong audience", result.StdErr);
        Assert.DoesNotContain("AccessKeyId", result.StdOut);
    }
}
