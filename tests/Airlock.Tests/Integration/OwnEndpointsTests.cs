using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Airlock's own paths under <c>/_airlock</c> on the API's port: the health probe answered without routing, the APIs
/// routed in their branch, a path no endpoint takes answered as the AWS call it would be, and a signed call under
/// those paths (an S3 object's key in a virtual-hosted bucket) carried as the AWS call it is.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class OwnEndpointsTests(AirlockEnvironment env)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Health_AnswersGetAndHead_AndRefusesOtherMethods()
    {
        using (var get = await Http.GetAsync(env.Gateway.Url + "/_airlock/health"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", get.Content.Headers.ContentType?.ToString());
            Assert.Equal("ok", await get.Content.ReadAsStringAsync());
        }

        using (var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, env.Gateway.Url + "/_airlock/health")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(2, head.Content.Headers.ContentLength);
        }

        // As routing matched it before it was answered on its own: any case, a trailing slash allowed.
        foreach (var path in new[] { "/_AIRLOCK/Health", "/_airlock/health/" })
        {
            using var variant = await Http.GetAsync(env.Gateway.Url + path);
            Assert.Equal("ok", await variant.Content.ReadAsStringAsync());
        }

        using var post = await Http.PostAsync(env.Gateway.Url + "/_airlock/health", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task TheApis_AreRouted_AndAPathNoEndpointTakes_IsAnsweredAsAnAwsCall()
    {
        // Routed: the approvals API wants the approver's token.
        using (var approvals = await Http.GetAsync(env.Gateway.Url + "/_airlock/api/approvals"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, approvals.StatusCode);
        }

        using (var otherCase = await Http.GetAsync(env.Gateway.Url + "/_Airlock/api/approvals"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherCase.StatusCode);
        }

        // Not an endpoint: answered as any unsigned AWS call is, not with an empty 404.
        using var unknown = await Http.GetAsync(env.Gateway.Url + "/_airlock/no-such-endpoint");
        var body = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", body);
    }

    [Fact]
    public async Task ObjectKeysThatLookLikeAirlocksPaths_AreObjects_InAVirtualHostedBucket()
    {
        var session = await env.NewSessionAsync();
        var port = new Uri(env.Gateway.Url).Port;
        var loopback = new LoopbackClients(port);
        // The .NET SDK, unmodified, addressing the bucket by host name (bucket.localhost), as against AWS itself.
        using var s3 = new AmazonS3Client(new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken),
            new AmazonS3Config { ServiceURL = $"http://localhost:{port}", ForcePathStyle = false, AuthenticationRegion = "us-east-1", HttpClientFactory = loopback });
        var bucket = AirlockEnvironment.UniqueName("own-paths");
        await s3.PutBucketAsync(bucket);

        foreach (var key in new[] { "_airlock/health", "_airlock/permissions", "_airlock/api/approvals" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = $"the object {key}" });
            using var got = await s3.GetObjectAsync(bucket, key);
            using var reader = new StreamReader(got.ResponseStream);
            Assert.Equal($"the object {key}", await reader.ReadToEndAsync());
        }

        Assert.All(loopback.Hosts, host => Assert.Equal($"{bucket}.localhost", host));
        var gets = (await env.AuditAsync()).Where(e => e.AccessKeyId == session.AccessKeyId && e.Operation == "GetObject").ToList();
        Assert.Equal(
            [$"arn:aws:s3:::{bucket}/_airlock/api/approvals", $"arn:aws:s3:::{bucket}/_airlock/health", $"arn:aws:s3:::{bucket}/_airlock/permissions"],
            gets.SelectMany(e => e.Resources).Order(StringComparer.Ordinal));
    }

    /// <summary>The SDK's connections, made to the gateway on loopback whatever host name a request is for (no DNS
    /// here resolves bucket.localhost); remembers the host names it was asked for.</summary>
    private sealed class LoopbackClients(int port) : HttpClientFactory
    {
        public List<string> Hosts { get; } = [];

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Recorder(this, new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }));

        private sealed class Recorder(LoopbackClients clients, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                lock (clients.Hosts)
                {
                    clients.Hosts.Add(request.RequestUri!.Host);
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
