using System.Buffers;
using System.Text;
using Airlock.Demo;
using Airlock.Masking;

namespace Airlock.Load;

/// <summary>
/// The benchmark's upstream: a small Kestrel app that answers the calls the workloads make as AWS would, fast
/// enough not to measure itself (moto manages ~500 requests/s). It checks no signatures. It also serves the demo
/// OIDC issuer the benchmark's Airlock trusts, and mints its tokens at <c>/_bench/token</c>.
/// </summary>
internal static class FakeUpstream
{
    private static readonly byte[] Item = Encoding.UTF8.GetBytes(
        "{\"Item\":{\"pk\":{\"S\":\"order-000001\"},\"customer\":{\"S\":\"customer-4711\"},\"status\":{\"S\":\"shipped\"}," +
        "\"total\":{\"N\":\"129.95\"},\"currency\":{\"S\":\"EUR\"},\"created\":{\"S\":\"2026-11-20T09:14:03Z\"},\"lines\":{\"L\":[" +
        string.Join(',', Enumerable.Range(1, 8).Select(i => $"{{\"M\":{{\"sku\":{{\"S\":\"SKU-{i:D6}\"}},\"qty\":{{\"N\":\"{i}\"}},\"price\":{{\"N\":\"{i * 3}.99\"}},\"name\":{{\"S\":\"Widget model {i} standard edition\"}}}}}}")) +
        "]},\"notes\":{\"S\":\"Leave at the back door; ring twice.\"}}}");

    private static readonly byte[] Topics = Encoding.UTF8.GetBytes(
        "<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListTopicsResult><Topics>" +
        string.Concat(Enumerable.Range(1, 12).Select(i => $"<member><TopicArn>arn:aws:sns:us-east-1:123456789012:bench-topic-{i:D3}</TopicArn></member>")) +
        "</Topics></ListTopicsResult><ResponseMetadata><RequestId>8f2a7c1e-0000-4000-8000-000000000001</RequestId></ResponseMetadata></ListTopicsResponse>");

    private static readonly string ItemCrc = Crc32.Compute(Item).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Object bytes: one 1 MiB block of varied bytes, repeated to the size asked for.
    private static readonly byte[] Block = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 31 + (i >> 11))).ToArray();

    public static async Task RunAsync(int port)
    {
        var url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Listen(System.Net.IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.UseRouting();
        var issuer = new DemoIssuer(url);
        issuer.Map(app);
        app.MapGet("/_bench/token", () => issuer.MintToken("bench-agent", ["bench"], TimeSpan.FromHours(2)));
        // Explicit, so the mapped endpoints answer before the catch-all AWS handler.
        app.UseEndpoints(_ => { });
        app.Run(HandleAsync);
        Console.WriteLine($"upstream {url} issuer {issuer.Issuer}");
        await app.RunAsync();
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        response.Headers["x-amzn-RequestId"] = "11111111-2222-4333-8444-555555555555";
        if (request.Headers["x-amz-target"] == "DynamoDB_20120810.GetItem")
        {
            await Drain(request.Body);
            response.ContentType = "application/x-amz-json-1.0";
            response.Headers["x-amz-crc32"] = ItemCrc;
            response.ContentLength = Item.Length;
            await response.Body.WriteAsync(Item);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && request.Path == "/")
        {
            await Drain(request.Body);
            response.ContentType = "text/xml";
            response.ContentLength = Topics.Length;
            await response.Body.WriteAsync(Topics);
            return;
        }

        response.Headers["x-amz-request-id"] = "BENCH0000000001";
        if (HttpMethods.IsPut(request.Method))
        {
            var received = await Drain(request.Body);
            response.Headers.ETag = $"\"{received:x32}\"";
            response.StatusCode = 200;
            return;
        }

        // GET /bucket/obj-<bytes>
        var name = request.Path.Value ?? "";
        if (HttpMethods.IsGet(request.Method) && long.TryParse(name[(name.LastIndexOf('-') + 1)..], out var size))
        {
            response.ContentType = "application/octet-stream";
            response.ContentLength = size;
            response.Headers.ETag = "\"bench\"";
            for (long sent = 0; sent < size; sent += Block.Length)
            {
                await response.Body.WriteAsync(Block.AsMemory(0, (int)Math.Min(Block.Length, size - sent)));
            }

            return;
        }

        response.StatusCode = 404;
    }

    private static async Task<long> Drain(Stream body)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
