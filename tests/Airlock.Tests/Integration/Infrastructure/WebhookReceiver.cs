using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>A webhook endpoint on loopback that records what it is sent; its first call to /flaky fails, to prove retries.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flakyCalls;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var app = LoopbackServer.Create();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{name}", async (string name, HttpRequest request) =>
        {
            if (name == "flaky" && Interlocked.Increment(ref receiver._flakyCalls) == 1)
            {
                return Results.StatusCode(500);
            }

            receiver.Received.Enqueue((name, await new StreamReader(request.Body).ReadToEndAsync()));
            return Results.Ok();
        });
        // As a checkpoint witness service would: what it was sent, one JSON document a line.
        app.MapGet("/{name}", (string name) => Results.Text(string.Concat(receiver.Received.Where(r => r.Path == name).Select(r => r.Body + "\n"))));
        receiver.Url = await LoopbackServer.StartAsync(app);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
