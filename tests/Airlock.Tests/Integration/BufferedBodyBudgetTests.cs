using System.Net;
using System.Net.Sockets;
using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The cap on request bodies held in memory across calls, on the real gateway: while one caller holds most of it
/// with a body it is slow to send, another call that needs more is refused with a retryable 503, nothing reaches
/// moto, and the same call goes through once the first caller is gone.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class BufferedBodyBudgetTests : IAsyncLifetime
{
    private const int Limit = 100_000;
    private readonly AirlockEnvironment env = new() { BufferedBytesLimit = Limit };

    public Task InitializeAsync() => env.InitializeAsync();

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task ACallBeyondTheBudget_IsRefused_NothingGoesUpstream_AndItPassesOnceTheBudgetIsFree()
    {
        var credentials = await env.NewSessionAsync();
        var table = AirlockEnvironment.UniqueName("budget");
        var created = await SendAsync(credentials, "CreateTable", $$"""{"TableName":"{{table}}","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.True(created.Status == HttpStatusCode.OK, created.Body);
        var putItem = $$"""{"TableName":"{{table}}","Item":{"id":{"S":"big"},"blob":{"S":"{{new string('x', 50_000)}}"}""" + "}}";

        // An unauthenticated caller declares 60 KB (the unsigned STS door takes up to 64 KB) and sends only a little.
        var gateway = new Uri(env.Gateway.Url);
        using (var slow = new TcpClient())
        {
            await slow.ConnectAsync(gateway.Host, gateway.Port);
            await slow.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                $"POST / HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nAction=AssumeRoleWithWebIdentity&"));
            await Task.Delay(500);

            var (status, body) = await SendAsync(credentials, "PutItem", putItem);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("maxBufferedBytesInFlight", body);
            Assert.DoesNotContain("big", await ItemsUpstreamAsync(table));
        }

        // The slow caller went away: its request ended and gave its bytes back.
        var passed = await RetryAsync(() => SendAsync(credentials, "PutItem", putItem));
        Assert.True(passed.Status == HttpStatusCode.OK, passed.Body);
        Assert.Contains("big", await ItemsUpstreamAsync(table));
    }

    private Task<(HttpStatusCode Status, string Body)> SendAsync(SessionCredentials credentials, string operation, string json) =>
        SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = $"DynamoDB_20120810.{operation}", ["content-type"] = "application/x-amz-json-1.0" },
            Encoding.UTF8.GetBytes(json));

    private async Task<string> ItemsUpstreamAsync(string table) =>
        (await env.MotoAsync("dynamodb", "scan", "--table-name", table, "--projection-expression", "id")).StdOut;

    /// <summary>Kestrel ends an abandoned request as soon as it sees the connection close; the first try may just precede that.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> RetryAsync(Func<Task<(HttpStatusCode Status, string Body)>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await call();
            if (result.Status != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                return result;
            }

            await Task.Delay(100);
        }
    }
}
