using Airlock.Masking;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks;

/// <summary>
/// Masking a 1 MB response against passing it through (a copy, which is what streaming costs at least).
/// MB/s = 1 / mean seconds. "Clean" bodies have nothing to mask: they are parsed and sent as they came.
/// </summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private byte[] _query = null!;
    private byte[] _cleanQuery = null!;
    private byte[] _list = null!;
    private byte[] _cleanList = null!;
    private byte[] _copy = null!;
    private MaskPlan _queryPlan = null!;
    private MaskPlan _listPlan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _query = MaskingFixtures.DynamoDbQuery();
        _cleanQuery = MaskingFixtures.DynamoDbQuery(sensitive: false);
        _list = MaskingFixtures.S3ListObjects();
        _cleanList = MaskingFixtures.S3ListObjects(sensitive: false);
        _copy = new byte[MaskingFixtures.Size * 2];
        _queryPlan = MaskingFixtures.Plan("dynamodb", "Query");
        _listPlan = MaskingFixtures.Plan("s3", "ListObjectsV2");
    }

    [Benchmark(Baseline = true)]
    public int PassThroughJson()
    {
        _query.CopyTo(_copy, 0);
        return _query.Length;
    }

    [Benchmark]
    public byte[]? MaskDynamoDbQuery() => JsonMasker.Mask(_query, _queryPlan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport());

    [Benchmark]
    public byte[]? ScanCleanDynamoDbQuery() => JsonMasker.Mask(_cleanQuery, _queryPlan, MaskingFixtures.Planner.Masker, dynamoDb: true, new MaskReport());

    [Benchmark]
    public int PassThroughXml()
    {
        _list.CopyTo(_copy, 0);
        return _list.Length;
    }

    [Benchmark]
    public byte[]? MaskS3ListObjects() => XmlMasker.Mask(_list, _listPlan, MaskingFixtures.Planner.Masker, new MaskReport());

    [Benchmark]
    public byte[]? ScanCleanS3ListObjects() => XmlMasker.Mask(_cleanList, _listPlan, MaskingFixtures.Planner.Masker, new MaskReport());
}
