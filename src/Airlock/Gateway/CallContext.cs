using Airlock.Audit;
using Airlock.Pipeline;

namespace Airlock.Gateway;

/// <summary>A call through the AWS API front end: the protocol-neutral call, and the HTTP exchange it came in on.</summary>
internal sealed class CallContext(HttpContext http) : Call("aws-api", OriginOf(http), http.RequestAborted)
{
    public HttpContext Http { get; } = http;

    private static CallOrigin OriginOf(HttpContext http) => new(
        http.Connection.RemoteIpAddress?.ToString(),
        http.Request.Method,
        RecordedRequest.Path(http.Request),
        RecordedRequest.NormalizedPath(http.Request),
        http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null);
}
