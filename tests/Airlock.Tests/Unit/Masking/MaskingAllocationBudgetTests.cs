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
    public void ScanningACleanItem_AllocatesLittle_OnceItsNamesAreKnown()
    {
        // A GetItem-shaped answer, as most calls bring: its property names were seen by this thread before.
        var body = """{"Item":{"pk":{"S":"order-000001"},"customer":{"S":"customer-4711"},"status":{"S":"shipped"},"total":{"N":"129.95"},"created":{"S":"2026-11-20T09:14:03Z"},"lines":{"L":[{"M":{"sku":{"S":"SKU-000001"},"name":{"S":"Widget model 1 standard edition"}}}]}}}"""u8.ToArray();
        var plan = MaskingFixtures.Plan("dynamodb", "GetItem");
        Assert.Null(JsonMasker.Mask(body, plan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport()));

        var before = GC.GetAllocatedBytesForCurrentThread();
        JsonMasker.Mask(body, plan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= 1024, $"{allocated} bytes to scan a clean item (budget 1 KiB; measured 632 bytes: frames, path states)");
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
