using Airlock.Approvals;

namespace Airlock.WebConsole;

/// <summary>
/// <c>/console/events</c>: server-sent events that tell an open inbox its approvals changed. The store is read once a
/// second, so approvals opened or decided on any node show within about a second. A stream ends after a few minutes
/// and the browser reconnects, so an ended console session stops receiving events; it ends at once when the node
/// stops, so open consoles never hold up a shutdown (the browser reconnects to another node).
/// </summary>
internal sealed class ApprovalsFeed(ApprovalStore store, TimeProvider time, IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task StreamAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = ending.Token;
        var until = time.GetUtcNow() + Lifetime;
        string? last = null;
        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", ct);
            while (time.GetUtcNow() < until)
            {
                var now = time.GetUtcNow();
                var pending = await store.ListAsync("pending", ct);
                var version = string.Join(',', pending.Where(a => a.ExpiresAt > now).Select(a => $"{a.Id}:{a.Votes.Count}"));
                if (version != last)
                {
                    // The data is only a change marker: what changed is fetched with the session's own rights.
                    await http.Response.WriteAsync($"event: approvals\ndata: {(uint)version.GetHashCode():x8}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    last = version;
                }

                await Task.Delay(Poll, time, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
    }
}
