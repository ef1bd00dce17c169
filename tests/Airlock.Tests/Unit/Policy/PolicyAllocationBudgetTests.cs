using Airlock.Benchmarks;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

/// <summary>
/// The benchmark's allocation figure, held as a budget: a regression that allocates on the policy's
/// hot path fails here. (Bytes are deterministic; time is measured by the benchmark, never asserted.)
/// </summary>
public sealed class PolicyAllocationBudgetTests
{
    [Fact]
    public void Evaluating_AgainstAThousandStatements_AllocatesOnlyTheDecision()
    {
        var policy = PolicyFixtures.Compile(1000);
        var request = PolicyFixtures.Request("s3:GetObject", "team-10", "arn:aws:s3:::bucket-510/reports/q1.csv");
        Assert.True(policy.Evaluate(request).IsAllowed);

        const int Calls = 2000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            policy.Evaluate(request);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
        Assert.True(perCall <= 320, $"{perCall} bytes per evaluation (budget 320: the decision, its statement list and reason)");
    }
}
