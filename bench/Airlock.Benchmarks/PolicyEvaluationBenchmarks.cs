using Airlock.Policy;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks;

/// <summary>One call against a 1,000-statement policy, as on the data path.</summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private CompiledPolicy _policy = null!;
    private PolicyRequest _allowed = null!;
    private PolicyRequest _defaultDenied = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = PolicyFixtures.Compile(1000);
        _allowed = PolicyFixtures.Request("s3:GetObject", "team-10", "arn:aws:s3:::bucket-510/reports/q1.csv");
        _defaultDenied = PolicyFixtures.Request("dynamodb:DeleteTable", "team-999", "arn:aws:dynamodb:us-east-1:123456789012:table/orders");
    }

    [Benchmark]
    public object Allowed() => _policy.Evaluate(_allowed);

    [Benchmark]
    public object DeniedByDefault() => _policy.Evaluate(_defaultDenied);
}
