using System.Globalization;
using System.Xml.Linq;
using Airlock.Aws.SigV4;

namespace Airlock.Cli;

/// <summary>What the CLI asks of a running gateway: session credentials for a token, signed calls with them.</summary>
internal sealed class GatewayClient(string gateway) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _gateway = new(gateway.TrimEnd('/') + "/");

    /// <summary>Exchanges an OIDC token at the gateway's STS door; on failure, the error to print.</summary>
    public async Task<(Dictionary<string, string>? Credentials, string? Error)> ExchangeAsync(
        string token, string connection, int? durationSeconds, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = $"arn:aws:iam::000000000000:role/{connection}",
            ["RoleSessionName"] = "airlock-cli",
            ["WebIdentityToken"] = token,
        };
        if (durationSeconds is { } seconds)
        {
            form["DurationSeconds"] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        using var response = await _http.PostAsync(_gateway, new FormUrlEncodedContent(form), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        XElement xml;
        try
        {
            xml = XElement.Parse(body);
        }
        catch (System.Xml.XmlException)
        {
            return (null, $"the gateway answered {(int)response.StatusCode} with no STS response.");
        }

        string? Find(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        if (!response.IsSuccessStatusCode)
        {
            return (null, $"{Find("Code")}: {Find("Message")}");
        }

        return (new Dictionary<string, string>
        {
            ["AccessKeyId"] = Find("AccessKeyId")!,
            ["SecretAccessKey"] = Find("SecretAccessKey")!,
            ["SessionToken"] = Find("SessionToken")!,
            ["Expiration"] = Find("Expiration")!,
        }, null);
    }

    /// <summary>A GET signed with session credentials (SigV4, service "airlock").</summary>
    public async Task<(int Status, string Body)> SignedGetAsync(string path, Dictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        var uri = new Uri(_gateway, path);
        var now = TimeProvider.System.GetUtcNow();
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", uri.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
            new("x-amz-security-token", credentials["SessionToken"]),
        };
        var authorization = SigV4Signer.Authorize(new SignableRequest("GET", uri.AbsolutePath, [], headers, IsS3: false),
            credentials["AccessKeyId"], credentials["SecretAccessKey"], "us-east-1", "airlock", now, SigV4Primitives.EmptyPayloadHash);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("x-amz-date", headers[1].Value);
        request.Headers.TryAddWithoutValidation("x-amz-security-token", headers[2].Value);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose() => _http.Dispose();
}
