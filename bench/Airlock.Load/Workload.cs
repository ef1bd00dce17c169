using System.Security.Cryptography;
using System.Text;
using Airlock.Aws.SigV4;

namespace Airlock.Load;

/// <summary>One kind of call the benchmark makes, signed with SigV4 as an SDK would sign it.</summary>
internal sealed record Workload(
    string Name, string Service, string Method, string Path, IReadOnlyDictionary<string, string> Headers, PayloadBody Body,
    long TransferBytes, int[] Concurrencies, bool Transfer)
{
    public static readonly int[] AllLevels = [1, 16, 64, 256];

    public static IReadOnlyList<Workload> All(bool quick) =>
    [
        new("json GetItem (DynamoDB, ~1 KB)", "dynamodb", "POST", "/",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.GetItem", ["content-type"] = "application/x-amz-json-1.0" },
            PayloadBody.Of("{\"TableName\":\"orders\",\"Key\":{\"pk\":{\"S\":\"order-000001\"}}}"), 0, quick ? [1, 64] : AllLevels, false),
        new("query ListTopics (SNS, ~1 KB)", "sns", "POST", "/",
            new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8" },
            PayloadBody.Of("Action=ListTopics&Version=2010-03-31"), 0, quick ? [1, 64] : AllLevels, false),
        new("S3 GetObject 1 MB", "s3", "GET", "/bench-bucket/obj-1048576", new Dictionary<string, string>(), PayloadBody.Empty, 1 << 20, quick ? [1, 16] : [1, 16, 64], true),
        new("S3 PutObject 1 MB", "s3", "PUT", "/bench-bucket/put-1mb", new Dictionary<string, string> { ["content-type"] = "application/octet-stream" },
            PayloadBody.Repeated(1 << 20, 1), 1 << 20, quick ? [1, 16] : [1, 16, 64], true),
        new("S3 GetObject 100 MB", "s3", "GET", "/bench-bucket/obj-104857600", new Dictionary<string, string>(), PayloadBody.Empty, 100L << 20, [1, 4], true),
        new("S3 PutObject 100 MB", "s3", "PUT", "/bench-bucket/put-100mb", new Dictionary<string, string> { ["content-type"] = "application/octet-stream" },
            PayloadBody.Repeated(1 << 20, 100), 100L << 20, [1, 4], true),
    ];

    public HttpRequestMessage Sign(Uri target, Credentials credentials)
    {
        var now = DateTimeOffset.UtcNow;
        var uri = new Uri(target, Path);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", uri.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
        };
        if (Service == "s3")
        {
            headers.Add(new("x-amz-content-sha256", Body.Sha256));
        }

        if (credentials.SessionToken is { } token)
        {
            headers.Add(new("x-amz-security-token", token));
        }

        headers.AddRange(Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)));
        var authorization = SigV4Signer.Authorize(new SignableRequest(Method, uri.AbsolutePath, [], headers, Service == "s3"),
            credentials.AccessKeyId, credentials.SecretAccessKey, "us-east-1", Service, now, Body.Sha256);
        var message = new HttpRequestMessage(new HttpMethod(Method), uri) { Version = System.Net.HttpVersion.Version11 };
        if (Body.Length > 0 || Method is "POST" or "PUT")
        {
            message.Content = Body.Content();
        }

        foreach (var (name, value) in headers.Where(h => h.Key != "host"))
        {
            if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                message.Content!.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        message.Headers.TryAddWithoutValidation("User-Agent", "airlock-bench/1.0");
        return message;
    }
}

/// <summary>A request body: small bytes, or a block repeated (streamed, never held whole), with its SHA-256 worked out once.</summary>
internal sealed class PayloadBody
{
    private readonly byte[] _block;
    private readonly int _repeat;

    private PayloadBody(byte[] block, int repeat)
    {
        _block = block;
        _repeat = repeat;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < repeat; i++)
        {
            sha.AppendData(block);
        }

        Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static readonly PayloadBody Empty = new([], 1);

    public static PayloadBody Of(string text) => new(Encoding.UTF8.GetBytes(text), 1);

    public static PayloadBody Repeated(int blockSize, int repeat) =>
        new(Enumerable.Range(0, blockSize).Select(i => (byte)(i * 17 + (i >> 9))).ToArray(), repeat);

    public long Length => (long)_block.Length * _repeat;

    public string Sha256 { get; }

    public HttpContent Content() => _repeat == 1 ? new ByteArrayContent(_block) : new RepeatedContent(_block, _repeat);

    private sealed class RepeatedContent(byte[] block, int repeat) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var i = 0; i < repeat; i++)
            {
                await stream.WriteAsync(block);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = (long)block.Length * repeat;
            return true;
        }
    }
}

internal sealed record Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken);
