using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>
/// Bodies as deep as AWS services take them: DynamoDB stores attributes nested 32 levels deep, about 70 json levels
/// with the request around them, past the json readers' default of 64 that refused them as "not valid json".
/// </summary>
public sealed class DeepBodyTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);
    private const string Orders = "arn:aws:dynamodb:us-east-1:000000000000:table/orders";

    /// <summary>An attribute value nested <paramref name="levels"/> deep, maps and lists in turn, a string at the bottom.</summary>
    public static string Nested(int levels)
    {
        var value = """{"S":"bottom"}""";
        for (var level = 0; level < levels; level++)
        {
            value = level % 2 == 0 ? "{\"M\":{\"inner\":" + value + "}}" : "{\"L\":[" + value + "]}";
        }

        return value;
    }

    [Theory]
    [InlineData("PutItem", """{"TableName":"orders","Item":{"id":{"S":"1"},"deep":ITEM}}""")]
    [InlineData("BatchWriteItem", """{"RequestItems":{"orders":[{"PutRequest":{"Item":{"id":{"S":"1"},"deep":ITEM}}}]}}""")]
    [InlineData("TransactWriteItems", """{"TransactItems":[{"Put":{"TableName":"orders","Item":{"id":{"S":"1"},"deep":ITEM}}}]}""")]
    public void AnItemAsDeepAsDynamoDbStores_IsResolvedOnItsTable(string operation, string body)
    {
        var result = Resolve(operation, body.Replace("ITEM", Nested(32)));

        Assert.True(result.Operation is not null, result.Error);
        Assert.Equal($"dynamodb:{operation}", result.Operation.Action);
        Assert.Equal([Orders], result.Operation.Resources);
    }

    [Fact]
    public void ABodyNestedPastTheLimit_IsRefusedSayingSo()
    {
        var result = Resolve("PutItem", """{"TableName":"orders","Item":{"id":{"S":"1"},"deep":ITEM}}""".Replace("ITEM", Nested(600)));

        Assert.Null(result.Operation);
        Assert.Contains("nests deeper than 512 levels", result.Error);
    }

    private static ResolveResult Resolve(string operation, string body) =>
        Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("x-amz-target", $"DynamoDB_20120810.{operation}"), new("content-type", "application/x-amz-json-1.0")], false),
            "dynamodb", "us-east-1", Encoding.UTF8.GetBytes(body)));
}
