using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Airlock.Hosting;

/// <summary>Gives Kestrel <see cref="LargeBlockMemoryPool"/>s, in place of its pool of 4 KiB blocks.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
