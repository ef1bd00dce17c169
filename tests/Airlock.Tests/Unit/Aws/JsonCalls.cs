using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;

namespace Airlock.Tests.Unit.Aws;

/// <summary>A json-protocol call as an SDK sends it (POST /, X-Amz-Target), resolved in us-east-1 of account 123456789012.</summary>
internal static class JsonCalls
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    public static ResolveResult Resolve(string service, string target, string body, string contentType = "application/x-amz-json-1.0")
    {
        var head = new SignableRequest("POST", "/", [], [new("host", "gw"), new("content-type", contentType), new("x-amz-target", target)], false);
        return Resolver.Resolve(new ResolveRequest(head, service, "us-east-1", Encoding.UTF8.GetBytes(body), "123456789012"));
    }
}
