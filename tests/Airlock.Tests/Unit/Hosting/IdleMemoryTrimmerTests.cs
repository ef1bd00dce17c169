using Airlock.Hosting;
using Xunit;

namespace Airlock.Tests.Unit.Hosting;

public sealed class IdleMemoryTrimmerTests
{
    private const long MiB = 1 << 20;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public void QuietAfterGrowing_IsTrimmed() =>
        Assert.True(IdleMemoryTrimmer.ShouldTrim(allocatedInPeriod: 300 * 1024, resident: 240 * MiB, residentAfterLastTrim: 160 * MiB, Long));

    [Fact]
    public void Busy_IsNotTrimmed() =>
        Assert.False(IdleMemoryTrimmer.ShouldTrim(IdleMemoryTrimmer.QuietBytes + 1, 240 * MiB, 160 * MiB, Long));

    [Fact]
    public void QuietWithoutGrowing_IsNotTrimmedAgain() =>
        Assert.False(IdleMemoryTrimmer.ShouldTrim(0, 160 * MiB + IdleMemoryTrimmer.GrowthBytes, 160 * MiB, Long));

    [Fact]
    public void TrimmedLately_WaitsItsSpacing()
    {
        Assert.False(IdleMemoryTrimmer.ShouldTrim(0, 240 * MiB, 160 * MiB, IdleMemoryTrimmer.Spacing - TimeSpan.FromSeconds(1)));
        Assert.True(IdleMemoryTrimmer.ShouldTrim(0, 240 * MiB, 160 * MiB, IdleMemoryTrimmer.Spacing));
    }
}
