using System.Reflection;
using Airlock.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Airlock.Tests.Unit.Hosting;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Kestrel_ReadsAndWritesConnectionsThroughTheLargeBlockPool()
    {
        using var app = GatewayHost.CreateBuilder().Build();

        // Kestrel's socket transport takes its pool factory from the container; the option that holds it is internal, so
        // this is read by reflection: if a later ASP.NET Core supplies the pool another way, this fails rather than the
        // uploads silently going back to 4 KiB reads.
        var transport = app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        var factory = typeof(SocketTransportOptions).GetProperty("MemoryPoolFactory", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(transport);
        Assert.IsType<LargeBlockMemoryPoolFactory>(factory);
        using var pool = ((IMemoryPoolFactory<byte>)factory).Create(new MemoryPoolOptions());
        using var block = pool.Rent(4096);
        Assert.Equal(LargeBlockMemoryPool.BlockBytes, block.Memory.Length);
    }

    [Fact]
    public void ReturnedBlock_IsLentAgain()
    {
        using var pool = new LargeBlockMemoryPool();
        var array = RentAndReturn(pool);

        using var second = pool.Rent();

        Assert.Same(array, ArrayOf(second));
    }

    [Fact]
    public void BlockDisposedTwice_IsLentToOneRenterOnly()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        first.Dispose();
        first.Dispose();

        using var second = pool.Rent();
        using var third = pool.Rent();

        Assert.NotSame(ArrayOf(second), ArrayOf(third));
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void TrimmedPool_LendsNoBlockItKept()
    {
        using var pool = new LargeBlockMemoryPool();
        var array = RentAndReturn(pool);

        pool.Trim();
        using var second = pool.Rent();

        Assert.NotSame(array, ArrayOf(second));
    }

    [Fact]
    public void Factory_TrimsEveryPoolItMade()
    {
        var factory = new LargeBlockMemoryPoolFactory();
        using var one = factory.Create();
        using var two = factory.Create();
        var kept = new[] { one, two }.Select(RentAndReturn).ToList();

        factory.TrimAll();

        using var fromOne = one.Rent();
        using var fromTwo = two.Rent();
        Assert.NotSame(kept[0], ArrayOf(fromOne));
        Assert.NotSame(kept[1], ArrayOf(fromTwo));
    }

    [Fact]
    public void LargerThanABlock_IsRefused()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockBytes + 1));
    }

    /// <summary>The array of a block rented and given back at once: the pool keeps it.</summary>
    private static byte[] RentAndReturn(System.Buffers.MemoryPool<byte> pool)
    {
        var block = pool.Rent();
        var array = ArrayOf(block);
        block.Dispose();
        return array;
    }

    private static byte[] ArrayOf(System.Buffers.IMemoryOwner<byte> owner) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(owner.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException();
}
