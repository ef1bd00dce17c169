using System.Text;
using Airlock.Aws.SigV4;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Bytes of one request are never read as part of another: a call Airlock answers before reading its body (a client
/// waiting for <c>100 Continue</c> never sends it) ends its connection, so the client's next request starts clean.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class RequestBoundaryTests(AirlockEnvironment env)
{
    private const string Allowed = "allowed body";

    [Fact]
    public async Task DeniedPutObject_ThenAllowedGetObject_OnOneBoto3Client_BothAnsweredAsThemselves()
    {
        var bucket = await BucketWithObjectAsync();
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            for i in range(2):
                try:
                    c.put_object(Bucket='{{bucket}}', Key='forbidden/x', Body=b'hello')
                    print('put: sent')
                except botocore.exceptions.ClientError as e:
                    print('put:', e.response['Error']['Code'])
                print('get:', c.get_object(Bucket='{{bucket}}', Key='ok.txt')['Body'].read().decode())
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["put: AccessDenied", $"get: {Allowed}", "put: AccessDenied", $"get: {Allowed}"], Lines(result.StdOut));
        Assert.Contains("404", (await env.MotoAsync("s3api", "head-object", "--bucket", bucket, "--key", "forbidden/x")).All);
    }

    [Fact]
    public async Task DeniedPutItem_ThenAllowedListTables_OnOneBoto3Client_BothAnsweredAsThemselves()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var result = await env.Boto3Async(agent, """
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'max_attempts': 1}))
            for i in range(2):
                try:
                    c.put_item(TableName='forbidden-table', Item={'pk': {'S': 'x' * 5000}})
                    print('put: sent')
                except botocore.exceptions.ClientError as e:
                    print('put:', e.response['Error']['Code'])
                print('list:', type(c.list_tables()['TableNames']).__name__)
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["put: AccessDeniedException", "list: list", "put: AccessDeniedException", "list: list"], Lines(result.StdOut));
    }

    public static TheoryData<string> Framings => new() { "content-length", "chunked", "aws-chunked" };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task DeniedUploadWhoseBodyIsHeldBack_IsAnsweredWithConnectionClose_AndTheConnectionEnds(string framing)
    {
        var bucket = await BucketWithObjectAsync();
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        await socket.SendAsync(UploadHead(agent, $"/{bucket}/forbidden/raw", framing));
        var refused = await socket.ReadResponseAsync();

        Assert.NotNull(refused);
        Assert.Equal(403, refused.Status);
        Assert.Contains("AccessDenied", refused.Body);
        Assert.Equal("close", refused.Headers.GetValueOrDefault("connection"));
        // The next request's bytes would have been taken as this one's body: the server ends the connection instead.
        await socket.SendAsync(GetHead(agent, $"/{bucket}/ok.txt"));
        Assert.True(await socket.ClosedByServerAsync());
    }

    [Fact]
    public async Task UnknownSessionWithHeldBackJsonBody_IsAnsweredWithConnectionClose()
    {
        var stranger = new SessionCredentials("ASIAMADEUPMADEUP2345", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "token");
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, stranger, "POST", "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.ListTables" },
            new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.0", ["content-length"] = "2", ["expect"] = "100-continue" },
            SigV4Primitives.Sha256Hex("{}"u8)));
        var refused = await socket.ReadResponseAsync();

        Assert.NotNull(refused);
        Assert.Equal(403, refused.Status);
        Assert.Contains("InvalidClientTokenId", refused.Body);
        Assert.Equal("close", refused.Headers.GetValueOrDefault("connection"));
        Assert.True(await socket.ClosedByServerAsync());
    }

    [Fact]
    public async Task AllowedUploadsReadToTheirEnd_KeepTheConnection()
    {
        var bucket = await BucketWithObjectAsync();
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        foreach (var framing in Framings)
        {
            await socket.SendAsync(UploadHead(agent, $"/{bucket}/kept-{framing}", framing, withExpect: false) + UploadBody(framing));
            var stored = await socket.ReadResponseAsync();
            Assert.NotNull(stored);
            Assert.True(stored.Status == 200, stored.Body);
            Assert.False(stored.Headers.TryGetValue("connection", out var connection), connection);
        }

        await socket.SendAsync(GetHead(agent, $"/{bucket}/ok.txt"));
        var got = await socket.ReadResponseAsync();
        Assert.NotNull(got);
        Assert.Equal(Allowed, got.Body);
    }

    [Fact]
    public async Task AllowedJsonCalls_ReadToTheirEnd_KeepTheConnection()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        for (var i = 0; i < 3; i++)
        {
            await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "POST", "/", "dynamodb",
                new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.ListTables", ["content-type"] = "application/x-amz-json-1.0" },
                new Dictionary<string, string> { ["content-length"] = "2" }, Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex("{}"u8)) + "{}");
            var listed = await socket.ReadResponseAsync();
            Assert.NotNull(listed);
            Assert.True(listed.Status == 200, listed.Body);
            Assert.False(listed.Headers.ContainsKey("connection"));
        }
    }

    private static readonly byte[] Payload = "hello"u8.ToArray();

    private string UploadHead(SessionCredentials agent, string path, string framing, bool withExpect = true)
    {
        var signed = new Dictionary<string, string>();
        var unsigned = new Dictionary<string, string>();
        string payloadHash;
        switch (framing)
        {
            case "content-length":
                payloadHash = SigV4Primitives.Sha256Hex(Payload);
                unsigned["content-length"] = Payload.Length.ToString();
                break;
            case "chunked":
                payloadHash = SigV4Primitives.UnsignedPayload;
                unsigned["transfer-encoding"] = "chunked";
                break;
            default:
                payloadHash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
                signed["content-encoding"] = "aws-chunked";
                signed["x-amz-decoded-content-length"] = Payload.Length.ToString();
                signed["x-amz-trailer"] = "x-amz-checksum-crc32";
                unsigned["content-length"] = UploadBody(framing).Length.ToString();
                break;
        }

        signed["x-amz-content-sha256"] = payloadHash;
        if (withExpect)
        {
            unsigned["expect"] = "100-continue";
        }

        return RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", path, "s3", signed, unsigned, payloadHash);
    }

    private static string UploadBody(string framing) => framing switch
    {
        "content-length" => Encoding.ASCII.GetString(Payload),
        "chunked" => $"{Payload.Length:x}\r\n{Encoding.ASCII.GetString(Payload)}\r\n0\r\n\r\n",
        _ => Encoding.ASCII.GetString(Airlock.Tests.Support.ChunkedBodies.Build(Payload, 65536, null, "x-amz-checksum-crc32")),
    };

    private string GetHead(SessionCredentials agent, string path) =>
        RawHttp.SignedHead(env.Gateway.Url, agent, "GET", path, "s3",
            new Dictionary<string, string> { ["x-amz-content-sha256"] = SigV4Primitives.Sha256Hex([]) }, new Dictionary<string, string>(), SigV4Primitives.Sha256Hex([]));

    private async Task<string> BucketWithObjectAsync()
    {
        var bucket = AirlockEnvironment.UniqueName("boundary");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var file = Path.Combine(env.WorkDir, bucket + ".txt");
        await File.WriteAllTextAsync(file, Allowed);
        Assert.Equal(0, (await env.MotoAsync("s3api", "put-object", "--bucket", bucket, "--key", "ok.txt", "--body", file)).ExitCode);
        return bucket;
    }


    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
