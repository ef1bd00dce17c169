using Airlock.Benchmarks;
using Airlock.Masking;
using Xunit;

namespace Airlock.Tests.Unit.Masking;

/// <summary>
/// The masking benchmark's allocation figure for the common case, held as a budget: a 1 MB DynamoDB page
/// with nothing to mask is read without a string per value. (Bytes are deterministic; time is the benchmark's.)
/// </summary>
public sealed class MaskingAllocationBudgetTests
{
    [Fact]
    public void ScanningACleanMegabyte_AllocatesAlmostNothing()
    {
        var body = MaskingFixtures.DynamoDbQuery(sensitive: false);
        var plan = MaskingFixtures.Plan("dynamodb", "Query");
        Assert.Null(JsonMasker.Mask(body, plan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport()));

        var before = GC.GetAllocatedBytesForCurrentThread();
        JsonMasker.Mask(body, plan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= 16 * 1024, $"{allocated} bytes to scan 1 MB with nothing to mask (budget 16 KiB: names, buffers)");
    }

    [Fact]
    public void TheSensitiveFixture_IsMasked()
    {
        var masked = JsonMasker.Mask(MaskingFixtures.DynamoDbQuery(), MaskingFixtures.Plan("dynamodb", "Query"), MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport());
        var text = System.Text.Encoding.UTF8.GetString(masked!);
        Assert.DoesNotContain("4111111111111111", text);
        Assert.DoesNotContain("@example.com", text);
        Assert.Contains("[credit-card:****1111]", text);
    }
}
