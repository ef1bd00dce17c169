namespace Airlock.Aws.Resolution;

/// <summary>The path of a smithy-rpc-v2-cbor call: <c>/service/{Service}/operation/{Operation}</c>, nothing before or after.</summary>
internal static class RpcV2Path
{
    public static (string Service, string Operation)? Match(string rawPath)
    {
        var parts = rawPath.Split('/');
        return parts.Length == 5 && parts[0].Length == 0 && parts[1] == "service" && parts[3] == "operation"
            && IsName(parts[2]) && IsName(parts[4])
            ? (parts[2], parts[4])
            : null;
    }

    private static bool IsName(string part) => part.Length > 0 && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
