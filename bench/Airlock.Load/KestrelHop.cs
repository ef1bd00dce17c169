using System.Net;
using Airlock.Hosting;
using Airlock.Upstream;

namespace Airlock.Load;

/// <summary>
/// The floor for any gateway built on .NET: Kestrel in front, one pooled HttpClient behind, every request and
/// response streamed through unchanged. No signature check, policy, audit or masking; Airlock's own host builder
/// and upstream client, so the gap between this hop and Airlock is what Airlock's own work costs.
/// </summary>
internal static class KestrelHop
{
    // Hop-by-hop headers and the ones HttpClient sets from the content itself.
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length" };

    public static async Task RunAsync(int port, Uri upstream)
    {
        var app = BuildApp(port);
        using var client = Forwarder.CreateClient();
        app.Run(http => RelayAsync(http, client, upstream));
        Console.WriteLine($"Kestrel hop http://127.0.0.1:{port} -> {upstream}");
        await app.RunAsync();
    }

    /// <summary>Airlock's own host builder, listening on loopback with no server header and no body size limit.</summary>
    public static WebApplication BuildApp(int port)
    {
        var builder = GatewayHost.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, port);
        });
        return builder.Build();
    }

    private static async Task RelayAsync(HttpContext http, HttpMessageInvoker client, Uri upstream)
    {
        var request = http.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Path + request.QueryString));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(request.Body);
            message.Content.Headers.ContentLength = request.ContentLength;
        }

        foreach (var (name, values) in request.Headers)
        {
            if (!NotCopied.Contains(name) && !message.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        message.Headers.Host = request.Host.Value;
        await SendAndRelayAsync(http, client, message);
    }

    /// <summary>Sends the upstream request and streams its answer back, headers and body, unchanged.</summary>
    public static async Task SendAndRelayAsync(HttpContext http, HttpMessageInvoker client, HttpRequestMessage message)
    {
        using var reply = await client.SendAsync(message, http.RequestAborted);
        RelayHead(http.Response, reply);
        http.Response.ContentLength = reply.Content.Headers.ContentLength;
        await reply.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>The upstream's status and end-to-end headers, onto the response.</summary>
    public static void RelayHead(HttpResponse response, HttpResponseMessage reply)
    {
        response.StatusCode = (int)reply.StatusCode;
        foreach (var (name, values) in reply.Headers.Concat(reply.Content.Headers))
        {
            if (!NotCopied.Contains(name))
            {
                response.Headers[name] = values.ToArray();
            }
        }
    }
}
