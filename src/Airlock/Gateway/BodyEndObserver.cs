namespace Airlock.Gateway;

/// <summary>
/// The caller's request body, read through unchanged, noting whether it was read to its end. A response that starts
/// before then closes the connection (<c>Connection: close</c>, RFC 9110 §10.1.1): a client that sent
/// <c>Expect: 100-continue</c> and never got <c>100 Continue</c> keeps its body back and reuses the connection, and
/// Kestrel's drain would then read the first bytes of the client's next request as the rest of this one.
/// </summary>
internal sealed class BodyEndObserver : Stream
{
    private readonly Stream _inner;
    private readonly long? _length;
    private readonly HttpResponse _response;
    private long _read;

    private BodyEndObserver(HttpContext context)
    {
        _inner = context.Request.Body;
        _length = context.Request.ContentLength;
        _response = context.Response;
    }

    /// <summary>True once the body's last byte (or its end) has been read.</summary>
    public bool Ended { get; private set; }

    /// <summary>Wraps the body of a request that has one on HTTP/1.x, where unread bytes stay on the connection.</summary>
    public static void Watch(HttpContext context)
    {
        var request = context.Request;
        if (!HttpProtocol.IsHttp11(request.Protocol) && !HttpProtocol.IsHttp10(request.Protocol)
            || (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0))
        {
            return;
        }

        var observer = new BodyEndObserver(context);
        request.Body = observer;
        context.Response.OnStarting(static state => ((BodyEndObserver)state).OnResponseStarting(), observer);
    }

    private Task OnResponseStarting()
    {
        if (!Ended)
        {
            _response.Headers.Connection = "close";
        }

        return Task.CompletedTask;
    }

    private int Observe(int read, int asked)
    {
        _read += read;
        if ((read == 0 && asked > 0) || _read >= _length)
        {
            Ended = true;
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Observe(_inner.Read(buffer, offset, count), count);

    public override int Read(Span<byte> buffer) => Observe(_inner.Read(buffer), buffer.Length);

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Observe(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken), count);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Observe(await _inner.ReadAsync(buffer, cancellationToken), buffer.Length);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
