using System.Buffers;
using System.Collections.Concurrent;

namespace Airlock.Hosting;

/// <summary>
/// Kestrel's connection buffers in blocks of 64 KiB instead of its own pool's 4 KiB. Kestrel reads a socket into one
/// block at a time, after a zero-byte read that waits for data: a 1 MB upload took ~512 receive calls and as many
/// hand-offs between threads, and takes ~32. Idle connections hold no block (Kestrel rents one only when data has
/// arrived), so what this costs is 64 KiB per connection while it is being read or written.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockBytes = 64 * 1024;

    // Blocks are pinned (a socket reads into them), so they live on the pinned object heap, which only a full
    // collection frees: keeping the blocks that come back, up to this many (16 MiB), spares the GC that churn. A quiet
    // gateway lets them go (IdleMemoryTrimmer).
    private const int KeptBlocks = 256;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _kept;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _kept);
        }
        else
        {
            block = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
        }

        return new Block(this, block);
    }

    /// <summary>Lets go of the kept blocks, for the next full collection to free: the gateway has gone quiet.</summary>
    public void Trim()
    {
        while (_free.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _kept);
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(byte[] block)
    {
        if (_disposed)
        {
            return;
        }

        if (Interlocked.Increment(ref _kept) <= KeptBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _kept);
        }
    }

    /// <summary>One rental: a second Dispose returns nothing, so a block is never lent to two connections at once.</summary>
    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}
