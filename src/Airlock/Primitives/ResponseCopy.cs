using System.IO.Pipelines;

namespace Airlock.Primitives;

/// <summary>
/// Streams an upstream response body to the caller: each read lands directly in the memory of the caller's
/// connection pipe, so an object's bytes are copied once in user space, not twice. Optionally keeps the first
/// bytes for the audit record.
/// </summary>
internal sealed class ResponseCopy(int keepBytes)
{
    // Object bodies move in pieces this large: fewer reads, writes and flushes per megabyte, still pooled.
    public const int PieceBytes = 256 * 1024;

    private readonly byte[] _kept = new byte[keepBytes];
    private int _count;

    /// <summary>The kept start of the body (at most the bytes asked for).</summary>
    public byte[] Kept => RecordedBody.Start(_kept.AsSpan(0, _count), _count);

    public async Task CopyAsync(Stream source, PipeWriter destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var memory = destination.GetMemory(PieceBytes);
            var read = await source.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return;
            }

            if (_count < _kept.Length)
            {
                var take = Math.Min(read, _kept.Length - _count);
                memory.Span[..take].CopyTo(_kept.AsSpan(_count));
                _count += take;
            }

            destination.Advance(read);
            var flushed = await destination.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                throw new CallerGoneException();
            }
        }
    }

    /// <summary>
    /// The caller's side of the connection is gone. Said by the write itself: the connection's abort token is
    /// signalled a moment later, and a relay that broke must not be blamed on the upstream in between.
    /// </summary>
    public sealed class CallerGoneException() : OperationCanceledException("The caller stopped reading the response.");
}
