namespace Airlock.Aws.Catalog;

/// <summary>The protocols of the AWS models, by the names the models give them; a call is read, answered and masked in the one it speaks.</summary>
internal static class WireProtocol
{
    public const string Json = "json";
    public const string RestJson = "rest-json";
    public const string Query = "query";
    public const string Ec2 = "ec2";
    public const string RestXml = "rest-xml";

    /// <summary>Smithy RPC v2 CBOR: <c>POST /service/{Service}/operation/{Operation}</c>, CBOR bodies (CloudWatch, GameLift, …).</summary>
    public const string Cbor = "smithy-rpc-v2-cbor";

    /// <summary>Bodies are json objects (json and rest-json).</summary>
    public static bool IsJson(string protocol) => protocol is Json or RestJson;

    /// <summary>Requests are url-encoded forms (query and ec2).</summary>
    public static bool IsForm(string protocol) => protocol is Query or Ec2;

    /// <summary>Responses are xml, whose paths start below a result wrapper and flatten some lists.</summary>
    public static bool IsXml(string protocol) => protocol is Query or Ec2 or RestXml;
}
