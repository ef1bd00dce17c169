using Airlock.Aws.SigV4;
using Airlock.Benchmarks;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>
/// The data-path micro-benchmarks' allocation figures (bench/Airlock.Benchmarks/DataPathBenchmarks.cs), held as budgets
/// about a quarter above what they measure: a change that allocates more on every call fails here. Bytes are
/// deterministic; time is the benchmark's to measure, never asserted.
/// </summary>
public sealed class DataPathAllocationBudgetTests
{
    private static long BytesPerCall(Action call)
    {
        call(); // JIT and caches outside the count
        const int Calls = 500;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }

    [Fact]
    public void VerifyingACallersSignature_StaysWithinItsBudget()
    {
        var signed = DataPathFixtures.SignedGetItem();
        var perCall = BytesPerCall(() =>
        {
            var auth = SigV4Authorization.FromHeader(signed.Header("authorization")!, signed.Header("x-amz-date"), signed.Header("x-amz-security-token"))!;
            Assert.Equal(SignatureCheck.Valid, SigV4Verifier.Verify(signed, auth, DataPathFixtures.Secret, DataPathFixtures.GetItemPayloadHash, DataPathFixtures.Now));
        });
        Assert.True(perCall <= 4352, $"{perCall} bytes per verification (budget 4.25 KiB; measured 3.4 KiB)");
    }

    [Fact]
    public void SigningUpstream_StaysWithinItsBudget()
    {
        var signed = DataPathFixtures.SignedGetItem();
        var perCall = BytesPerCall(() => SigV4Signer.Authorize(signed, "AKIAUPSTREAMEXAMPLE1", DataPathFixtures.Secret, "us-east-1", "dynamodb",
            DataPathFixtures.Now, DataPathFixtures.GetItemPayloadHash));
        Assert.True(perCall <= 2560, $"{perCall} bytes per signature (budget 2.5 KiB; measured 2.0 KiB)");
    }

    [Theory]
    [InlineData("json", 1536)]
    [InlineData("rest-xml", 14 * 1024)]
    [InlineData("query", 2 * 1024)]
    public void ResolvingAnOperation_StaysWithinItsBudget(string protocol, int budget)
    {
        var request = protocol switch
        {
            "json" => DataPathFixtures.GetItem(),
            "rest-xml" => DataPathFixtures.S3GetObject(),
            _ => DataPathFixtures.ListTopics(),
        };
        Assert.NotNull(DataPathFixtures.Resolver.Resolve(request).Operation);
        var perCall = BytesPerCall(() => DataPathFixtures.Resolver.Resolve(request));
        Assert.True(perCall <= budget, $"{perCall} bytes per {protocol} resolution (budget {budget})");
    }
}
