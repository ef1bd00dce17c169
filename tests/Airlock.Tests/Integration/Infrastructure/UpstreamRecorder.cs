using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// Stands between Airlock and moto and keeps every request exactly as it arrived (method, raw target, headers, body
/// bytes) before passing it on unchanged: what the upstream received, to compare with what Airlock decided on.
/// </summary>
public sealed class UpstreamRecorder : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    private UpstreamRecorder(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<RecordedUpstreamRequest> Received { get; } = new();

    private readonly ConcurrentQueue<Func<RecordedUpstreamRequest, bool>> _answersDropped = new();

    /// <summary>
    /// Requests that match are passed on to moto, which runs them, and then their connection is cut before a byte of
    /// the answer: an upstream that ran a call and lost the connection.
    /// </summary>
    public void DropAnswersTo(Func<RecordedUpstreamRequest, bool> when) => _answersDropped.Enqueue(when);

    private readonly ConcurrentQueue<Func<RecordedUpstreamRequest, bool>> _answersBroken = new();

    /// <summary>Requests that match get moto's status, headers and the first half of its body, then the connection is cut.</summary>
    public void BreakAnswersTo(Func<RecordedUpstreamRequest, bool> when) => _answersBroken.Enqueue(when);

    private readonly ConcurrentQueue<(Func<RecordedUpstreamRequest, bool> When, int Status, string ContentType, string Body)> _answeredInstead = new();

    /// <summary>Requests that match are not passed on to moto: they get this answer, as from a load balancer in front of it.</summary>
    public void AnswerInsteadTo(Func<RecordedUpstreamRequest, bool> when, int status, string contentType, string body) =>
        _answeredInstead.Enqueue((when, status, contentType, body));

    public static async Task<UpstreamRecorder> StartAsync(string upstream)
    {
        var app = LoopbackServer.Create();
        var recorder = new UpstreamRecorder(app);
        app.Run(context => recorder.RelayAsync(context, upstream));
        recorder.Url = await LoopbackServer.StartAsync(app);
        return recorder;
    }

    private async Task RelayAsync(HttpContext context, string upstream)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var received = new RecordedUpstreamRequest(context.Request.Method, target, headers, body.ToArray());
        Received.Enqueue(received);
        if (_answeredInstead.FirstOrDefault(answer => answer.When(received)) is { When: not null } instead)
        {
            context.Response.StatusCode = instead.Status;
            context.Response.ContentType = instead.ContentType;
            await context.Response.WriteAsync(instead.Body);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream + target);
        request.Headers.Host = context.Request.Host.Value;
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, value) in context.Request.Headers)
        {
            if (!HopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (_answersDropped.Any(when => when(received)))
        {
            // A clean end of the connection (FIN, no reset), as an upstream closing it does: the client reads the end
            // of the stream where the answer should start, which is when .NET's client would send the request again.
            context.Features.Get<IConnectionSocketFeature>()!.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name) || name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (_answersBroken.Any(when => when(received)))
        {
            var whole = await response.Content.ReadAsByteArrayAsync();
            await context.Response.Body.WriteAsync(whole.AsMemory(0, whole.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await response.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the upstream received it.</summary>
public sealed record RecordedUpstreamRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body);
