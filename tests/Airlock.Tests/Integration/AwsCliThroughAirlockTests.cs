using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>Unmodified AWS CLIs (v2 with --endpoint-url, v1 with AWS_ENDPOINT_URL) through Airlock to moto.</summary>
[Collection(AirlockCollection.Name)]
public sealed class AwsCliThroughAirlockTests(AirlockEnvironment env)
{
    private Task<ProcessResult> Cli(string version, SessionCredentials credentials, params string[] args) =>
        version == "v2" ? env.CliV2Async(credentials, args) : env.CliV1Async(credentials, args);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task StsGetCallerIdentity_AnswersWithTheSessionsIdentity(string version)
    {
        var credentials = await env.NewSessionAsync(subject: "caller-" + version);

        var result = await Cli(version, credentials, "sts", "get-caller-identity", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"arn:aws:sts::123456789012:assumed-role/airlock-{AirlockEnvironment.Connection}/caller-{version}", result.StdOut);
        Assert.Contains("\"Account\": \"123456789012\"", result.StdOut);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task S3Copy_Of50MegabytesUpAndDown_IsByteIdentical(string version)
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("big-" + version);
        var source = Path.Combine(env.WorkDir, $"upload-{version}.bin");
        var target = Path.Combine(env.WorkDir, $"download-{version}.bin");
        await using (var file = File.Create(source))
        {
            var block = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++)
            {
                RandomNumberGenerator.Fill(block);
                await file.WriteAsync(block);
            }
        }

        var mb = await Cli(version, credentials, "s3", "mb", $"s3://{bucket}");
        Assert.True(mb.ExitCode == 0, mb.ToString());
        var up = await Cli(version, credentials, "s3", "cp", source, $"s3://{bucket}/data/blob.bin", "--only-show-errors");
        Assert.True(up.ExitCode == 0, up.ToString());
        var down = await Cli(version, credentials, "s3", "cp", $"s3://{bucket}/data/blob.bin", target, "--only-show-errors");
        Assert.True(down.ExitCode == 0, down.ToString());

        Assert.Equal(await Sha256Async(source), await Sha256Async(target));
        var upstream = await env.MotoAsync("s3api", "head-object", "--bucket", bucket, "--key", "data/blob.bin", "--query", "ContentLength");
        Assert.Equal("52428800", upstream.StdOut.Trim());
        File.Delete(source);
        File.Delete(target);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task DynamoDb_CreatePutGet_WorksThroughAirlock(string version)
    {
        var credentials = await env.NewSessionAsync();
        var table = AirlockEnvironment.UniqueName("tbl-" + version);

        var create = await Cli(version, credentials, "dynamodb", "create-table", "--table-name", table,
            "--attribute-definitions", "AttributeName=id,AttributeType=S", "--key-schema", "AttributeName=id,KeyType=HASH",
            "--billing-mode", "PAY_PER_REQUEST");
        Assert.True(create.ExitCode == 0, create.ToString());
        var put = await Cli(version, credentials, "dynamodb", "put-item", "--table-name", table,
            "--item", """{"id": {"S": "k1"}, "note": {"S": "through airlock"}}""");
        Assert.True(put.ExitCode == 0, put.ToString());
        var get = await Cli(version, credentials, "dynamodb", "get-item", "--table-name", table, "--key", """{"id": {"S": "k1"}}""");

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains("through airlock", get.StdOut);
        var upstream = await env.MotoAsync("dynamodb", "list-tables");
        Assert.Contains(table, upstream.StdOut);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task SecretsManager_CreateAndGet_WorksThroughAirlock(string version)
    {
        var credentials = await env.NewSessionAsync();
        var name = AirlockEnvironment.UniqueName("secret-" + version);

        var create = await Cli(version, credentials, "secretsmanager", "create-secret", "--name", name, "--secret-string", "s3cr3t-value");
        Assert.True(create.ExitCode == 0, create.ToString());
        var get = await Cli(version, credentials, "secretsmanager", "get-secret-value", "--secret-id", name);

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains(name, get.StdOut);
        // The value is masked for agents (docs/masking.md); the group the test configuration exempts sees it.
        Assert.DoesNotContain("s3cr3t-value", get.StdOut);
        var admin = await env.NewSessionAsync(groups: ["agents", "security-admins"]);
        var unmasked = await Cli(version, admin, "secretsmanager", "get-secret-value", "--secret-id", name);
        Assert.Contains("s3cr3t-value", unmasked.StdOut);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task S3RemoveBucket_DeniedByPolicy_IsRefusedAndTheBucketStays(string version)
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("keep-" + version);
        var mb = await Cli(version, credentials, "s3", "mb", $"s3://{bucket}");
        Assert.True(mb.ExitCode == 0, mb.ToString());

        var rb = await Cli(version, credentials, "s3", "rb", $"s3://{bucket}");

        Assert.NotEqual(0, rb.ExitCode);
        Assert.Contains("AccessDenied", rb.All);
        Assert.Contains("NoBucketDeletion", rb.All);
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
        var audit = await env.AuditAsync();
        Assert.Contains(audit, e => e.AccessKeyId == credentials.AccessKeyId && e.Operation == "DeleteBucket" && e.Decision == "deny" && e.UpstreamStatus is null);
    }

    [Fact]
    public async Task PresignedUrl_FromTheCli_IsVerifiedAndServedUntilTampered()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("presign");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "cp", env.ConfigPath, $"s3://{bucket}/shared.yaml")).ExitCode);

        var presign = await env.CliV2Async(credentials, "s3", "presign", $"s3://{bucket}/shared.yaml", "--expires-in", "300");
        Assert.True(presign.ExitCode == 0, presign.ToString());
        var url = presign.StdOut.Trim();
        Assert.StartsWith(env.Gateway.Url, url);

        using var http = new HttpClient();
        var fetched = await http.GetStringAsync(url);
        Assert.Equal(await File.ReadAllTextAsync(env.ConfigPath), fetched);
        var tampered = await http.GetAsync(url.Replace("shared.yaml", "other.yaml", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await tampered.Content.ReadAsStringAsync());

        // A signature with a part left out is a malformed signature, not an unsigned call (which only STS takes).
        var partial = await http.GetAsync(Regex.Replace(url, "X-Amz-Algorithm=[^&]*&?", ""));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, partial.StatusCode);
        Assert.Contains("authorization is malformed", await partial.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryCall_IsAuditedWithItsOutcome()
    {
        var credentials = await env.NewSessionAsync(subject: "audited-agent");
        var bucket = AirlockEnvironment.UniqueName("audit");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3api", "list-objects-v2", "--bucket", bucket)).ExitCode);

        var audit = (await env.AuditAsync()).Where(e => e.AccessKeyId == credentials.AccessKeyId).ToList();

        var create = Assert.Single(audit, e => e.Operation == "CreateBucket");
        Assert.Equal("allow", create.Decision);
        Assert.Equal(200, create.UpstreamStatus);
        Assert.Equal("audited-agent", create.Principal);
        Assert.Equal(AirlockEnvironment.Connection, create.Connection);
        Assert.Equal($"arn:aws:s3:::{bucket}", Assert.Single(create.Resources));
        Assert.NotNull(create.LatencyMs);
        Assert.Contains(audit, e => e.Operation == "ListObjectsV2" && e.UpstreamStatus == 200);

        var tail = await env.AirlockAsync("audit", "tail", "-n", "500");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        Assert.Contains(tail.StdOut.Split('\n'), line => line.Contains("audited-agent") && line.Contains("CreateBucket") && line.Contains("allow") && line.Contains("200"));
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream));
    }
}
