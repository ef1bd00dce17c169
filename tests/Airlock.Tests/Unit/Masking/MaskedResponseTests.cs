using System.IO.Compression;
using System.Net;
using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Masking;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.Masking;

/// <summary>The HTTP side of masking: which bodies are read, what happens to lengths, checksums and encodings, and failing closed.</summary>
public sealed class MaskedResponseTests
{
    private static readonly MaskPlanner Planner = new(new MaskingOptions { Objects = { Scan = true }, MaxBodyBytes = 64 * 1024 }, new Masker(new byte[32]));

    private static ResponseMasking MaskingFor(string service, string operation)
    {
        var model = ServiceCatalog.Default.Service(service)!;
        var op = model.Operation(operation)!;
        var plan = Planner.Plan(model, op, $"{model.ActionPrefix}:{op.Name}", []);
        return new ResponseMasking(plan, plan, model, op, Planner.Masker, Planner.Options.MaxBodyBytes, 4096, Planner.Options.Objects.ContentTypes, model.Protocol);
    }

    private static async Task<(MaskedResponse.Result Result, HttpResponse Response, string Body)> RunAsync(
        ResponseMasking masking, HttpResponseMessage upstream, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var sink = new MemoryStream();
        context.Response.Body = sink;
        var result = await MaskedResponse.WriteAsync(context, upstream, masking, (response, headers) =>
        {
            foreach (var header in headers)
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        });
        return (result, context.Response, Encoding.UTF8.GetString(sink.ToArray()));
    }

    private static HttpResponseMessage Upstream(string body, string contentType, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    [Fact]
    public async Task AMaskedDynamoDbBody_GetsItsLengthAndCrc32Fixed()
    {
        var upstream = Upstream("""{"Item":{"mail":{"S":"bob@example.com"}}}""", "application/x-amz-json-1.0");
        upstream.Headers.Add("x-amz-crc32", "12345");
        var (result, response, body) = await RunAsync(MaskingFor("dynamodb", "GetItem"), upstream);

        Assert.Null(result.Failure);
        Assert.Equal("""{"Item":{"mail":{"S":"[email:****]"}}}""", body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.ContentLength);
        Assert.Equal(Crc32.Compute(Encoding.UTF8.GetBytes(body)).ToString(), response.Headers["x-amz-crc32"].ToString());
        Assert.Equal(["Item/mail/S by detector:email"], result.Report.Fields);
        Assert.Equal(body, Encoding.UTF8.GetString(result.Report.RecordedBody!));
    }

    [Fact]
    public async Task AnUnmaskedDynamoDbBody_IsSentAsItCame_WithUpstreamsCrc32()
    {
        const string item = """{"Item":{"status":{"S":"shipped"}}}""";
        var upstream = Upstream(item, "application/x-amz-json-1.0");
        upstream.Headers.Add("x-amz-crc32", "12345");
        var (result, response, body) = await RunAsync(MaskingFor("dynamodb", "GetItem"), upstream);

        Assert.Null(result.Failure);
        Assert.Equal(item, body);
        Assert.Equal("12345", response.Headers["x-amz-crc32"].ToString());
        Assert.Empty(result.Report.Fields);
        Assert.Equal(item, Encoding.UTF8.GetString(result.Report.RecordedBody!));
    }

    [Fact]
    public async Task AGzippedBody_IsInflatedMaskedAndSentPlain()
    {
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync("""{"SecretString":"hunter2","Name":"db"}"""u8.ToArray());
        }

        var upstream = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(compressed.ToArray()) };
        upstream.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        upstream.Content.Headers.ContentEncoding.Add("gzip");
        var (result, response, body) = await RunAsync(MaskingFor("secretsmanager", "GetSecretValue"), upstream);

        Assert.Null(result.Failure);
        Assert.Equal("""{"SecretString":"****","Name":"db"}""", body);
        Assert.False(response.Headers.ContainsKey("Content-Encoding"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"SecretString":"hunter2" """)]
    public async Task AMalformedBodyThatNeedsMasking_IsWithheld(string upstreamBody)
    {
        var (result, response, body) = await RunAsync(MaskingFor("secretsmanager", "GetSecretValue"), Upstream(upstreamBody, "application/x-amz-json-1.1"));
        Assert.NotNull(result.Failure);
        Assert.DoesNotContain("hunter2", result.Failure);
        Assert.DoesNotContain("not json", result.Failure);
        Assert.Equal("", body);
        Assert.False(response.HasStarted);
    }

    [Fact]
    public async Task ABodyOverTheLimit_IsWithheld()
    {
        var big = "{\"SecretString\":\"" + new string('x', 100 * 1024) + "\"}";
        var (result, _, body) = await RunAsync(MaskingFor("secretsmanager", "GetSecretValue"), Upstream(big, "application/x-amz-json-1.1"));
        Assert.Contains("maxBodyBytes", result.Failure);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task AnUnknownEncoding_IsWithheld()
    {
        var upstream = Upstream("""{"SecretString":"x"}""", "application/x-amz-json-1.1");
        upstream.Content.Headers.ContentEncoding.Add("zstd");
        var (result, _, body) = await RunAsync(MaskingFor("secretsmanager", "GetSecretValue"), upstream);
        Assert.Contains("zstd", result.Failure);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task AnEmptyBody_PassesAsItIs()
    {
        var (result, _, body) = await RunAsync(MaskingFor("secretsmanager", "GetSecretValue"), Upstream("", "application/x-amz-json-1.1"));
        Assert.Null(result.Failure);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task ATextObject_IsScannedAsItStreams_AndLosesItsLengthAndChecksums()
    {
        var upstream = Upstream("name,email\nalice,alice@example.com\n", "text/csv");
        upstream.Headers.Add("x-amz-checksum-crc32", "AAAAAA==");
        upstream.Headers.ETag = new("\"abc\"");
        var (result, response, body) = await RunAsync(MaskingFor("s3", "GetObject"), upstream, "GET");

        Assert.Null(result.Failure);
        Assert.Equal("name,email\nalice,[email:****]\n", body);
        Assert.False(response.Headers.ContainsKey("x-amz-checksum-crc32"));
        Assert.False(response.Headers.ContainsKey("Content-Length"));
        Assert.Equal("\"abc\"", response.Headers.ETag.ToString());
    }

    [Fact]
    public async Task ABinaryObject_StreamsUntouched()
    {
        var upstream = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent("alice@example.com"u8.ToArray()) };
        upstream.Content.Headers.ContentType = new("application/octet-stream");
        var (_, _, body) = await RunAsync(MaskingFor("s3", "GetObject"), upstream, "GET");
        Assert.Equal("alice@example.com", body);
    }

    [Fact]
    public async Task ASensitivePayload_IsReplacedWithoutBeingRead()
    {
        var upstream = Upstream("""{"result":"the function's answer"}""", "application/json");
        var (result, response, body) = await RunAsync(MaskingFor("lambda", "Invoke"), upstream);
        Assert.Equal("****", body);
        Assert.Equal(4, response.ContentLength);
        Assert.Equal(["(body) by model"], result.Report.Fields);
    }

    [Fact]
    public async Task AnS3ErrorDocument_IsMaskedAsXml()
    {
        var upstream = Upstream("<Error><Code>NoSuchKey</Code><Key>exports/bob@example.com.csv</Key></Error>", "application/xml", HttpStatusCode.NotFound);
        var (result, response, body) = await RunAsync(MaskingFor("s3", "GetObject"), upstream, "GET");
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("<Error><Code>NoSuchKey</Code><Key>exports/[email:****]</Key></Error>", body);
        Assert.Null(result.Failure);
    }
}
