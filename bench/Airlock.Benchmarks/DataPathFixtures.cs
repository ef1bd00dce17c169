using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;

namespace Airlock.Benchmarks;

/// <summary>The requests of the data path's micro-benchmarks (and of their allocation budgets): signed as a client signs them.</summary>
public static class DataPathFixtures
{
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly byte[] GetItemBody = Encoding.UTF8.GetBytes("{\"TableName\":\"orders\",\"Key\":{\"pk\":{\"S\":\"order-000001\"}}}");
    private static readonly byte[] ListTopicsBody = Encoding.UTF8.GetBytes("Action=ListTopics&Version=2010-03-31");

    internal static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    /// <summary>A DynamoDB GetItem as the AWS CLI sends it, with its Authorization header.</summary>
    internal static SignableRequest SignedGetItem() => Signed("POST", "/", "dynamodb",
        [new("content-type", "application/x-amz-json-1.0"), new("x-amz-target", "DynamoDB_20120810.GetItem")], SigV4Primitives.Sha256Hex(GetItemBody));

    internal static string GetItemPayloadHash => SigV4Primitives.Sha256Hex(GetItemBody);

    internal static ResolveRequest GetItem() => new(SignedGetItem(), "dynamodb", "us-east-1", GetItemBody, "123456789012");

    internal static ResolveRequest S3GetObject() => new(
        Signed("GET", "/reports/2026/q3/summary.csv", "s3", [], SigV4Primitives.Sha256Hex([])) with { IsS3 = true }, "s3", "us-east-1", null, "123456789012");

    internal static ResolveRequest ListTopics() => new(
        Signed("POST", "/", "sns", [new("content-type", "application/x-www-form-urlencoded; charset=utf-8")], SigV4Primitives.Sha256Hex(ListTopicsBody)),
        "sns", "us-east-1", ListTopicsBody, "123456789012");

    private static SignableRequest Signed(string method, string path, string service, List<KeyValuePair<string, string>> extra, string payloadHash)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", "127.0.0.1:8080"),
            new("x-amz-date", SigV4Signer.AmzDate(Now)),
            new("x-amz-security-token", "IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQD" + new string('A', 300)),
            new("user-agent", "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off command/dynamodb.get-item"),
        };
        if (service == "s3")
        {
            headers.Add(new("x-amz-content-sha256", payloadHash));
        }

        headers.AddRange(extra);
        var unsigned = new SignableRequest(method, path, [], headers, service == "s3");
        var authorization = SigV4Signer.Authorize(unsigned, "ASIAAIRLOCKEXAMPLE01", Secret, "us-east-1", service, Now, payloadHash);
        return unsigned with { Headers = [.. headers, new("authorization", authorization)] };
    }
}
