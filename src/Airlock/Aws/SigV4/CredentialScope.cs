namespace Airlock.Aws.SigV4;

/// <summary>The <c>date/region/service/aws4_request</c> part of a SigV4 credential.</summary>
internal sealed record CredentialScope(string Date, string Region, string Service)
{
    public override string ToString() => $"{Date}/{Region}/{Service}/aws4_request";

    /// <summary>Parses <c>AKID/20150830/us-east-1/service/aws4_request</c> into key id and scope.</summary>
    public static bool TryParseCredential(string credential, out string accessKeyId, out CredentialScope scope)
    {
        accessKeyId = "";
        scope = new CredentialScope("", "", "");
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[4] != "aws4_request" || parts[1].Length != 8 || parts.Any(string.IsNullOrEmpty))
        {
            return false;
        }

        accessKeyId = parts[0];
        scope = new CredentialScope(parts[1], parts[2], parts[3]);
        return true;
    }
}
