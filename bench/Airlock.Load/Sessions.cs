using System.Xml.Linq;

namespace Airlock.Load;

/// <summary>Airlock session credentials, got as the SDKs get them: a token from the issuer, exchanged at Airlock's STS door.</summary>
internal static class Sessions
{
    public static async Task<Credentials> ExchangeAsync(Uri airlock, Uri tokenUrl, string connection)
    {
        using var http = new HttpClient();
        var token = await http.GetStringAsync(tokenUrl);
        using var response = await http.PostAsync(airlock, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = $"arn:aws:iam::123456789012:role/{connection}",
            ["RoleSessionName"] = "bench",
            ["WebIdentityToken"] = token,
        }));
        var xml = XElement.Parse(await response.Content.ReadAsStringAsync());
        string Find(string name) => xml.Descendants().First(e => e.Name.LocalName == name).Value;
        return response.IsSuccessStatusCode
            ? new Credentials(Find("AccessKeyId"), Find("SecretAccessKey"), Find("SessionToken"))
            : throw new InvalidOperationException($"Airlock refused the bench session: {xml}");
    }
}
