using System.Collections.Concurrent;
using Airlock.Audit;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>Request ids come from blocks of random bytes drawn per thread; they must still be well-formed and never repeat.</summary>
public sealed class RequestIdsTests
{
    [Fact]
    public void Ids_AreTwentyUpperCaseHexDigits_AndDistinctAcrossThreadsAndBlocks()
    {
        var ids = new ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            // Well past one block per thread, so refills are crossed too.
            for (var i = 0; i < 1_000; i++)
            {
                ids.Add(RequestIds.Next());
            }
        });

        Assert.Equal(8_000, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9A-F]{20}$", id));
    }
}
