using System.Formats.Cbor;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>smithy-rpc-v2-cbor calls, and services that take several protocols, resolved from what each call sends.</summary>
public sealed class CborResolutionTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    private static byte[] PutMetricData()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(null);
        writer.WriteTextString("Namespace");
        writer.WriteTextString("shop");
        writer.WriteTextString("MetricData");
        writer.WriteStartArray(1);
        writer.WriteStartMap(2);
        writer.WriteTextString("MetricName");
        writer.WriteTextString("orders");
        writer.WriteTextString("Value");
        writer.WriteDouble(2.5);
        writer.WriteEndMap();
        writer.WriteEndArray();
        writer.WriteTextString("StrictEntityValidation");
        writer.WriteBoolean(true);
        writer.WriteTextString("Offset");
        writer.WriteInt64(-5);
        writer.WriteTextString("Token");
        writer.WriteByteString([1, 2, 3]);
        writer.WriteTextString("When");
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(1700000000);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static ResolveResult Resolve(string signingName, string path, byte[] body, string? contentType = "application/cbor", string? smithy = "rpc-v2-cbor", string method = "POST")
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", "gw") };
        if (contentType is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        if (smithy is not null)
        {
            headers.Add(new("smithy-protocol", smithy));
        }

        return Resolver.Resolve(new ResolveRequest(new SignableRequest(method, path, [], headers, false), signingName, "us-east-1", body, "123456789012"));
    }

    [Fact]
    public void CborCall_IsResolvedByItsPath_AndItsScalarsRead()
    {
        var result = Resolve("monitoring", "/service/GraniteServiceVersion20100801/operation/PutMetricData", PutMetricData());

        Assert.Null(result.Error);
        Assert.Equal(("cloudwatch", "PutMetricData", WireProtocol.Cbor), (result.Operation!.Service.Id, result.Operation.Operation.Name, result.Operation.WireProtocol));
        Assert.Equal("shop", result.Operation.Parameters["Namespace"]);
        Assert.Equal("true", result.Operation.Parameters["StrictEntityValidation"]);
        Assert.Equal("AQID", result.Operation.Parameters["Token"]);
        Assert.Equal("-5", result.Operation.Parameters["Offset"]);
        Assert.Equal("1700000000", result.Operation.Parameters["When"]);
        Assert.False(result.Operation.Parameters.ContainsKey("MetricData"));
    }

    [Fact]
    public void CborCall_WithNoBody_IsAnOperationWithNoInput()
    {
        var result = Resolve("gamelift", "/service/GameLift/operation/ListFleets", [], contentType: null);

        Assert.Equal("gamelift:ListFleets", result.Operation!.Action);
        Assert.Empty(result.Operation.Parameters);
    }

    [Theory]
    [InlineData("/service/GraniteServiceVersion20100801/operation/DropEverything", "rpc-v2-cbor", "POST", "not an operation Airlock knows")]
    [InlineData("/service/SomeoneElse/operation/PutMetricData", "rpc-v2-cbor", "POST", "not an operation Airlock knows")]
    [InlineData("/service/GraniteServiceVersion20100801/operation/PutMetricData", "rpc-v2-json", "POST", "not a protocol Airlock speaks")]
    [InlineData("/service/GraniteServiceVersion20100801/operation/PutMetricData", "rpc-v2-cbor", "GET", "not a smithy-rpc-v2-cbor call")]
    [InlineData("/prefix/service/GraniteServiceVersion20100801/operation/PutMetricData", "rpc-v2-cbor", "POST", "not a smithy-rpc-v2-cbor call")]
    public void CborCall_ThatIsNotOne_IsRefusedWithWhy(string path, string smithy, string method, string why)
    {
        var result = Resolve("monitoring", path, PutMetricData(), smithy: smithy, method: method);

        Assert.Null(result.Operation);
        Assert.Contains(why, result.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0xa1, 0x69 })]                 // a map whose key is cut short
    [InlineData(new byte[] { 0x82, 0x01, 0x02 })]           // a list, not a map
    [InlineData(new byte[] { 0xa0, 0xa0 })]                 // two items
    public void CborCall_WithABodyThatIsNotOneMap_IsRefused(byte[] body)
    {
        var result = Resolve("monitoring", "/service/GraniteServiceVersion20100801/operation/ListMetrics", body);

        Assert.Null(result.Operation);
        Assert.Contains("not one valid CBOR map", result.Error);
    }

    public static TheoryData<string, byte[], string> TwoReadings => new()
    {
        { "a top-level key twice", Map(w => { Text(w, "AlarmName", "allowed"); Text(w, "AlarmName", "denied"); }), "duplicate keys" },
        {
            "a key twice in a nested map", Map(w =>
            {
                w.WriteTextString("MetricData");
                w.WriteStartArray(1);
                w.WriteStartMap(null);
                Text(w, "MetricName", "a");
                Text(w, "MetricName", "b");
                w.WriteEndMap();
                w.WriteEndArray();
            }),
            "duplicate keys"
        },
        {
            // Strict mode compares keys as encoded: this pair passes it.
            "a nested key twice, once in chunks", Map(w =>
            {
                w.WriteTextString("MetricData");
                w.WriteStartArray(1);
                w.WriteStartMap(null);
                Text(w, "MetricName", "a");
                w.WriteStartIndefiniteLengthTextString();
                w.WriteTextString("Metric");
                w.WriteTextString("Name");
                w.WriteEndIndefiniteLengthTextString();
                w.WriteTextString("b");
                w.WriteEndMap();
                w.WriteEndArray();
            }),
            "the key 'MetricName' appears twice"
        },
        { "a top-level key in chunks", Map(w => { w.WriteStartIndefiniteLengthTextString(); w.WriteTextString("Namespace"); w.WriteEndIndefiniteLengthTextString(); w.WriteTextString("a"); }), "not one valid CBOR map" },
        { "a nested map's key that is not text", Map(w => { w.WriteTextString("Dimensions"); w.WriteStartMap(1); w.WriteInt32(1); w.WriteInt32(2); w.WriteEndMap(); }), "a map's key is not text" },
        // A nested text string of bytes that are not UTF-8 (0xff), which skipping it would not have checked.
        { "nested text that is not UTF-8", Map(w => { w.WriteTextString("MetricData"); w.WriteStartArray(1); w.WriteEncodedValue(new byte[] { 0x61, 0xff }); w.WriteEndArray(); }), "not one valid CBOR map" },
    };

    [Theory]
    [MemberData(nameof(TwoReadings))]
    public void CborBody_ThatCouldBeReadTwoWays_IsRefused(string what, byte[] body, string why)
    {
        var result = Resolve("monitoring", "/service/GraniteServiceVersion20100801/operation/PutMetricData", body);

        Assert.True(result.Operation is null, what);
        Assert.True(result.Error!.Contains(why, StringComparison.Ordinal), result.Error);
    }

    private static byte[] Map(Action<CborWriter> members)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(null);
        members(writer);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void Text(CborWriter writer, string name, string value)
    {
        writer.WriteTextString(name);
        writer.WriteTextString(value);
    }

    [Fact]
    public void CborBody_NestedWithoutEnd_IsReadPastOrRefused_NeverCrashes()
    {
        // {"Namespace": [[[[ … 100,000 deep … 0 ]]]]}: a value the parameters do not keep, but must still get past.
        var body = new byte[] { 0xa1, 0x69 }.Concat("Namespace"u8.ToArray()).Concat(Enumerable.Repeat((byte)0x81, 100_000)).Append((byte)0x00).ToArray();

        var result = Resolve("monitoring", "/service/GraniteServiceVersion20100801/operation/ListMetrics", body);

        Assert.True(result.Operation is not null || result.Error is not null);
    }

    [Fact]
    public void CborBody_ThatSaysItIsJson_IsRefused()
    {
        var result = Resolve("monitoring", "/service/GraniteServiceVersion20100801/operation/PutMetricData", PutMetricData(), contentType: "application/json");

        Assert.Contains("must be application/cbor", result.Error);
    }

    [Fact]
    public void CloudWatch_TakesJsonAndQueryCallsToo_EachReadInItsOwnProtocol()
    {
        var json = Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("x-amz-target", "GraniteServiceVersion20100801.ListMetrics"), new("content-type", "application/x-amz-json-1.0")], false),
            "monitoring", "us-east-1", """{"Namespace":"shop"}"""u8.ToArray()));
        var query = Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("content-type", "application/x-www-form-urlencoded")], false),
            "monitoring", "us-east-1", "Action=ListMetrics&Version=2010-08-01&Namespace=shop"u8.ToArray()));

        Assert.Equal((WireProtocol.Json, "shop"), (json.Operation!.WireProtocol, json.Operation.Parameters["Namespace"]));
        Assert.Equal((WireProtocol.Query, "shop"), (query.Operation!.WireProtocol, query.Operation.Parameters["Namespace"]));
    }

    [Fact]
    public void QueryCall_ToAServiceThatNeverSpokeQuery_IsRefused()
    {
        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("content-type", "application/x-www-form-urlencoded")], false),
            "secretsmanager", "us-east-1", "Action=GetSecretValue&SecretId=db"u8.ToArray()));

        Assert.Null(result.Operation);
    }

    [Fact]
    public void ACallInAProtocolWithoutMaskPaths_IsRefusedBeforeItRuns()
    {
        // A json service with a sensitive output member, taking query calls the catalog has no xml paths for.
        var operation = new OperationModel { Name = "GetSecret", Method = "POST", Uri = "/", MaskOutput = ["body|Secret|s"] };
        var service = new ServiceModel
        {
            Id = "vault", Protocol = WireProtocol.Json, OtherProtocols = [WireProtocol.Query], SigningName = "vault", EndpointPrefix = "vault",
            ApiVersion = "2020-01-01", TargetPrefix = "Vault", Operations = [operation],
        };
        var resolver = new OperationResolver(new ServiceCatalog([service], "test"));
        ResolveResult Call(string target, string body, string contentType) => resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("content-type", contentType), .. target.Length > 0 ? [new KeyValuePair<string, string>("x-amz-target", target)] : Array.Empty<KeyValuePair<string, string>>()],
            false), "vault", "us-east-1", System.Text.Encoding.UTF8.GetBytes(body)));

        var asJson = Call("Vault.GetSecret", "{}", "application/x-amz-json-1.1");
        var asQuery = Call("", "Action=GetSecret&Version=2020-01-01", "application/x-www-form-urlencoded");

        Assert.NotNull(asJson.Operation);
        Assert.Null(asQuery.Operation);
        Assert.Contains("cannot mask the query response", asQuery.Error);
    }
}
