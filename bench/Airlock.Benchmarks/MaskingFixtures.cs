using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Masking;

namespace Airlock.Benchmarks;

/// <summary>
/// About 1 MB responses as upstreams send them: a DynamoDB Query page of customer items (one in ten with a card
/// number and an e-mail address) and an S3 ListObjectsV2 page, and the plans the gateway would mask them with.
/// </summary>
public static class MaskingFixtures
{
    public const int Size = 1024 * 1024;

    public static byte[] DynamoDbQuery(bool sensitive = true)
    {
        var json = new StringBuilder("{\"Count\":0,\"Items\":[");
        for (var i = 0; json.Length < Size - 400; i++)
        {
            json.Append(i == 0 ? "" : ",");
            json.Append("{\"pk\":{\"S\":\"customer-").Append(i).Append("\"},\"name\":{\"S\":\"Customer ").Append(i)
                .Append("\"},\"city\":{\"S\":\"Springfield\"},\"points\":{\"N\":\"").Append(i * 7).Append("\"},\"tags\":{\"SS\":[\"gold\",\"newsletter\"]}");
            if (sensitive && i % 10 == 0)
            {
                json.Append(",\"card\":{\"S\":\"4111111111111111\"},\"contact\":{\"S\":\"customer").Append(i).Append("@example.com\"}");
            }
            else
            {
                json.Append(",\"note\":{\"S\":\"ordered 3 items on 2026-11-22, shipped by ground\"}");
            }

            json.Append('}');
        }

        json.Append("],\"ScannedCount\":0,\"LastEvaluatedKey\":{\"pk\":{\"S\":\"customer-last\"}}}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    public static byte[] S3ListObjects(bool sensitive = true)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>reports</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        for (var i = 0; xml.Length < Size - 400; i++)
        {
            var key = sensitive && i % 10 == 0 ? $"exports/customer{i}@example.com.csv" : $"reports/2026/11/daily-{i}.csv";
            xml.Append("<Contents><Key>").Append(key).Append("</Key><LastModified>2026-11-22T04:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>")
                .Append(i * 13).Append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }

        xml.Append("</ListBucketResult>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    /// <summary>The plan of a caller with no exemptions, as the gateway builds it with default options.</summary>
    internal static MaskPlan Plan(string service, string operation)
    {
        var catalog = ServiceCatalog.Default;
        var model = catalog.Service(service)!;
        var op = model.Operation(operation)!;
        return Planner.Plan(model, op, $"{model.ActionPrefix}:{op.Name}", []);
    }

    internal static MaskPlanner Planner { get; } = new(new MaskingOptions(), new Masker(new byte[32]));
}
