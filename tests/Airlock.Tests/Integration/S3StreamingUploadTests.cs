using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Airlock.Aws.Streaming;
using Airlock.Tests.Integration.Infrastructure;
using Airlock.Tests.Support;
using SessionCredentials = Airlock.Tests.Integration.Infrastructure.SessionCredentials;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>aws-chunked uploads, as the AWS SDKs send them, verified chunk by chunk and re-signed for moto.</summary>
[Collection(AirlockCollection.Name)]
public sealed class S3StreamingUploadTests(AirlockEnvironment env)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DotNetSdkPutObject_ChunkedUpload_ArrivesByteIdentical(bool checksums)
    {
        var credentials = await env.NewSessionAsync();
        using var s3 = new AmazonS3Client(
            new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            new AmazonS3Config
            {
                ServiceURL = env.Gateway.Url,
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = checksums ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED,
            });
        var bucket = AirlockEnvironment.UniqueName("sdk-chunked");
        await s3.PutBucketAsync(bucket);
        var payload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "blob", InputStream = new MemoryStream(payload), UseChunkEncoding = true });

        using var got = await s3.GetObjectAsync(bucket, "blob");
        var back = new MemoryStream();
        await got.ResponseStream.CopyToAsync(back);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(back.ToArray()));
        var size = await env.MotoAsync("s3api", "head-object", "--bucket", bucket, "--key", "blob", "--query", "ContentLength");
        Assert.Equal(payload.Length.ToString(), size.StdOut.Trim());
        // The collection runs one test at a time, so the newest PutObject line is this upload's.
        var put = env.Gateway.ReadLog().Split('\n').Last(l => l.Contains("s3:PutObject")).TrimEnd();
        Assert.EndsWith(checksums ? "payload=" + StreamingPayload.SignedTrailer : "payload=" + StreamingPayload.Signed, put);
    }

    [Theory]
    [InlineData(StreamingPayload.Signed, null)]
    [InlineData(StreamingPayload.SignedTrailer, "x-amz-checksum-crc32")]
    [InlineData(StreamingPayload.UnsignedTrailer, "x-amz-checksum-sha256")]
    public async Task EachStreamingPayloadKind_IsVerifiedAndStored(string kind, string? trailer)
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("kinds");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        var payload = RandomNumberGenerator.GetBytes(1_000_000);

        var (status, body) = await PutChunkedAsync(credentials, bucket, "object", payload, kind, trailer, corrupt: false);

        Assert.True(status == HttpStatusCode.OK, body);
        var download = Path.Combine(env.WorkDir, $"kind-{Guid.NewGuid():N}");
        Assert.Equal(0, (await env.MotoAsync("s3api", "get-object", "--bucket", bucket, "--key", "object", download)).ExitCode);
        Assert.Equal(payload, await File.ReadAllBytesAsync(download));
    }

    [Fact]
    public async Task ForgedChunk_IsRefused_AndTheObjectIsNeverStored()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("forged-chunk");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);

        var (status, body) = await PutChunkedAsync(credentials, bucket, "object", RandomNumberGenerator.GetBytes(300_000),
            StreamingPayload.SignedTrailer, "x-amz-checksum-crc32", corrupt: true);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("SignatureDoesNotMatch", body);
        var list = await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket);
        Assert.DoesNotContain("\"Key\"", list.StdOut);
    }

    private Task<(HttpStatusCode Status, string Body)> PutChunkedAsync(
        SessionCredentials credentials, string bucket, string key, byte[] payload, string kind, string? trailer, bool corrupt)
    {
        var headers = new Dictionary<string, string>
        {
            ["content-encoding"] = "aws-chunked",
            ["x-amz-decoded-content-length"] = payload.Length.ToString(),
        };
        if (trailer is not null)
        {
            headers["x-amz-trailer"] = trailer;
        }

        byte[] Body(string seed, string amzDate)
        {
            var signer = StreamingPayload.HasChunkSignatures(kind) ? ChunkedBodies.Signer(credentials.SecretAccessKey, amzDate, seed) : null;
            var body = ChunkedBodies.Build(payload, 65536, signer, trailer);
            if (corrupt)
            {
                body[100_000] ^= 0x55;
            }

            return body;
        }

        return SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Put, $"/{bucket}/{key}", "s3", headers, kind, Body);
    }
}
