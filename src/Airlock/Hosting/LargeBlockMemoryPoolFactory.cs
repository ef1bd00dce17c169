using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Airlock.Hosting;

/// <summary>Gives Kestrel <see cref="LargeBlockMemoryPool"/>s, in place of its pool of 4 KiB blocks.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    // Kestrel asks for a few pools (per listener transport) for the life of the server.
    private readonly List<LargeBlockMemoryPool> _pools = [];

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new LargeBlockMemoryPool();
        lock (_pools)
        {
            _pools.Add(pool);
        }

        return pool;
    }

    /// <summary>Every pool lets go of the blocks it keeps (<see cref="LargeBlockMemoryPool.Trim"/>).</summary>
    public void TrimAll()
    {
        lock (_pools)
        {
            foreach (var pool in _pools)
            {
                pool.Trim();
            }
        }
    }
}
