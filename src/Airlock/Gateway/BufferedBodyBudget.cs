namespace Airlock.Gateway;

/// <summary>
/// The request-body bytes the gateway holds in memory across all calls at once (json and query bodies are read
/// whole to be checked), capped by <c>limits.maxBufferedBytesInFlight</c>: many callers each sending a body near
/// <c>limits.maxBufferedBodyBytes</c> at the same time get a retryable refusal, not an out-of-memory gateway.
/// </summary>
internal sealed class BufferedBodyBudget(long limit)
{
    private long _held;

    public long Limit => limit;

    /// <summary>Bytes held now, by calls whose bodies are in memory.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/> for a call until its end (released when the request is disposed); false when that would pass the cap.</summary>
    public bool TryTake(HttpContext http, long bytes)
    {
        if (bytes == 0)
        {
            return true;
        }

        if (Interlocked.Add(ref _held, bytes) > limit)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }

        http.Response.RegisterForDispose(new Lease(this, bytes));
        return true;
    }

    private sealed class Lease(BufferedBodyBudget budget, long bytes) : IDisposable
    {
        private long _bytes = bytes;

        public void Dispose() => Interlocked.Add(ref budget._held, -Interlocked.Exchange(ref _bytes, 0));
    }
}
