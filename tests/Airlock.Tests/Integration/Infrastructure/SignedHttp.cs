using System.Net;
using Airlock.Aws.SigV4;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// Hand-signed requests for what the AWS CLIs will not send: forged signatures, unknown operations,
/// oversized bodies, a lying Host header.
/// </summary>
internal static class SignedHttp
{
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        string gatewayUrl, SessionCredentials credentials, HttpMethod method, string path, string service,
        IReadOnlyDictionary<string, string>? headers = null, byte[]? body = null, string? host = null, bool forge = false)
    {
        var uri = new Uri(gatewayUrl + path);
        var now = DateTimeOffset.UtcNow;
        body ??= [];
        var payloadHash = SigV4Primitives.Sha256Hex(body);
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", host ?? uri.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
            new("x-amz-security-token", credentials.SessionToken),
        };
        if (service == "s3")
        {
            signed.Add(new("x-amz-content-sha256", payloadHash));
        }

        signed.AddRange((headers ?? new Dictionary<string, string>()).Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
        var authorization = SigV4Signer.Authorize(new SignableRequest(method.Method, uri.AbsolutePath, CanonicalQuery.Parse(uri.Query), signed, service == "s3"),
            credentials.AccessKeyId, credentials.SecretAccessKey, "us-east-1", service, now, payloadHash);
        if (forge)
        {
            authorization = authorization[..^1] + (authorization[^1] == '0' ? '1' : '0');
        }

        using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in signed)
        {
            if (name == "host")
            {
                request.Headers.Host = value;
            }
            else if (name == "content-type")
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
