using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Airlock's own paths under <c>/_airlock</c> on the API's port: the health probe answered without routing, the APIs
/// routed in their branch, and a path no endpoint takes answered as the AWS call it would be.
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
}
