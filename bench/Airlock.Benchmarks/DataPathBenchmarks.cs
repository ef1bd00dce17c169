using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks;

/// <summary>The per-call work of the data path before policy and masking: checking the caller's signature, re-signing upstream, resolving the operation.</summary>
[MemoryDiagnoser]
public class DataPathBenchmarks
{
    private SignableRequest _signed = null!;
    private ResolveRequest _getItem = null!;
    private ResolveRequest _getObject = null!;
    private ResolveRequest _listTopics = null!;

    [GlobalSetup]
    public void Setup()
    {
        _signed = DataPathFixtures.SignedGetItem();
        _getItem = DataPathFixtures.GetItem();
        _getObject = DataPathFixtures.S3GetObject();
        _listTopics = DataPathFixtures.ListTopics();
    }

    [Benchmark]
    public bool VerifyCallerSignature()
    {
        var auth = SigV4Authorization.FromHeader(_signed.Header("authorization")!, _signed.Header("x-amz-date"), _signed.Header("x-amz-security-token"))!;
        return SigV4Verifier.Verify(_signed, auth, DataPathFixtures.Secret, DataPathFixtures.GetItemPayloadHash, DataPathFixtures.Now) == SignatureCheck.Valid;
    }

    [Benchmark]
    public string SignUpstream() =>
        SigV4Signer.Authorize(_signed, "AKIAUPSTREAMEXAMPLE1", DataPathFixtures.Secret, "us-east-1", "dynamodb", DataPathFixtures.Now, DataPathFixtures.GetItemPayloadHash);

    [Benchmark]
    public object? ResolveJsonGetItem() => DataPathFixtures.Resolver.Resolve(_getItem).Operation;

    [Benchmark]
    public object? ResolveS3GetObject() => DataPathFixtures.Resolver.Resolve(_getObject).Operation;

    [Benchmark]
    public object? ResolveQueryListTopics() => DataPathFixtures.Resolver.Resolve(_listTopics).Operation;
}
