using System.Security.Cryptography;
using Airlock.Aws.Streaming;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Over TLS the AWS CLI and boto3 take their default upload path: multipart, aws-chunked with a CRC32
/// trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER) for botocore 1.43, UNSIGNED-PAYLOAD for CLI v2 2.9.19.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class S3OverTlsTests(AirlockEnvironment env)
{
    [Theory]
    [InlineData(20 * 1024 * 1024 + 7)]
    [InlineData(1024 * 1024 * 1024)]
    public async Task CliV1Copy_OverTls_TakesTheChunkedTrailerPath_AndIsByteIdentical(int size)
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("tls-v1");
        var source = await RandomFileAsync(size);
        var target = source + ".back";
        var environment = env.WithCredentials(credentials);
        environment["AWS_ENDPOINT_URL"] = env.TlsUrl;
        environment["AWS_CA_BUNDLE"] = env.CaBundle;
        // A gibibyte through CLI v1, TLS, Airlock and moto (which copies the object for each ranged GET) takes minutes on
        // a slow shared machine: the time allowed grows with the size, so only a hang fails the test.
        var timeout = TimeSpan.FromMinutes(3) + TimeSpan.FromMinutes(size / (128 * 1024 * 1024));

        foreach (var args in new[]
        {
            new[] { "s3", "mb", $"s3://{bucket}" },
            ["s3", "cp", source, $"s3://{bucket}/big.bin", "--only-show-errors"],
            ["s3", "cp", $"s3://{bucket}/big.bin", target, "--only-show-errors"],
        })
        {
            var result = await ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", .. args], environment, timeout);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.Equal(await HashAsync(source), await HashAsync(target));
        File.Delete(source);
        File.Delete(target);
        var uploads = env.Gateway.ReadLog().Split('\n').Where(l => l.Contains("s3:UploadPart") && l.Contains("upstream=200")).ToList();
        Assert.NotEmpty(uploads);
        Assert.All(uploads.TakeLast(3), l => Assert.EndsWith("payload=" + StreamingPayload.UnsignedTrailer, l.TrimEnd()));
    }

    [Fact]
    public async Task CliV2Copy_OverTls_IsByteIdentical()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("tls-v2");
        var source = await RandomFileAsync(9 * 1024 * 1024);
        var target = source + ".back";
        var environment = env.WithCredentials(credentials);

        foreach (var args in new[]
        {
            new[] { "s3", "mb", $"s3://{bucket}" },
            ["s3", "cp", source, $"s3://{bucket}/f.bin", "--only-show-errors"],
            ["s3", "cp", $"s3://{bucket}/f.bin", target, "--only-show-errors"],
        })
        {
            var result = await ProcessRunner.RunAsync(Tools.AwsCliV2, [.. args, "--endpoint-url", env.TlsUrl, "--ca-bundle", env.CaBundle], environment);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.Equal(await HashAsync(source), await HashAsync(target));
    }

    [Fact]
    public async Task PresignedGetAndPut_WithCurl_Work()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("curl");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        var environment = env.WithCredentials(credentials);
        environment["AWS_ENDPOINT_URL"] = env.Gateway.Url;
        var presign = await ProcessRunner.RunAsync(Tools.Python, ["-c", $$"""
            import boto3
            from botocore.config import Config
            s3 = boto3.client('s3', config=Config(signature_version='s3v4'))
            print(s3.generate_presigned_url('put_object', Params={'Bucket': '{{bucket}}', 'Key': 'via-curl.bin'}, ExpiresIn=300))
            print(s3.generate_presigned_url('get_object', Params={'Bucket': '{{bucket}}', 'Key': 'via-curl.bin'}, ExpiresIn=300))
            """], environment);
        Assert.True(presign.ExitCode == 0, presign.ToString());
        var urls = presign.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var source = await RandomFileAsync(3 * 1024 * 1024);
        var target = source + ".back";

        var put = await ProcessRunner.RunAsync("curl", ["-sS", "-f", "-T", source, urls[0]], new Dictionary<string, string?>());
        var get = await ProcessRunner.RunAsync("curl", ["-sS", "-f", "-o", target, urls[1]], new Dictionary<string, string?>());

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(await HashAsync(source), await HashAsync(target));
        var tampered = await ProcessRunner.RunAsync("curl", ["-sS", "-f", "-o", "/dev/null", urls[1].Replace("via-curl", "other", StringComparison.Ordinal)], new Dictionary<string, string?>());
        Assert.NotEqual(0, tampered.ExitCode);
    }

    private async Task<string> RandomFileAsync(int size)
    {
        var path = Path.Combine(env.WorkDir, $"file-{Guid.NewGuid():N}.bin");
        await using var file = File.Create(path);
        var block = new byte[4 * 1024 * 1024];
        for (var left = size; left > 0; left -= block.Length)
        {
            RandomNumberGenerator.Fill(block);
            await file.WriteAsync(block.AsMemory(0, Math.Min(left, block.Length)));
        }

        return path;
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream));
    }
}
