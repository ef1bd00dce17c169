using System.Net;
using Airlock.Aws.SigV4;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// Hand-signed requests for what the AWS CLIs will not send: forged signatures, unknown operations,
/// oversized bodies, a lying Host header, hand-framed aws-chunked bodies.
/// </summary>
internal static class SignedHttp
{
    public static Task<(HttpStatusCode Status, string Body)> SendAsync(
        string gatewayUrl, SessionCredentials credentials, HttpMethod method, string path, string service,
        IReadOnlyDictionary<string, string>? headers = null, byte[]? body = null, string? host = null, bool forge = false)
    {
        body ??= [];
        return SendAsync(gatewayUrl, credentials, method, path, service, headers, service == "s3" ? SigV4Primitives.Sha256Hex(body) : null,
            (_, _) => body, host, forge);
    }

    /// <param name="contentSha256">The x-amz-content-sha256 to sign (S3), or null for other services.</param>
    /// <param name="body">Makes the body from the request's signature and x-amz-date, which seed aws-chunked chunk signatures.</param>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        string gatewayUrl, SessionCredentials credentials, HttpMethod method, string path, string service,
        IReadOnlyDictionary<string, string>? headers, string? contentSha256, Func<string, string, byte[]> body, string? host = null, bool forge = false)
    {
        var uri = new Uri(gatewayUrl + path);
        var now = DateTimeOffset.UtcNow;
        var amzDate = SigV4Signer.AmzDate(now);
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", host ?? uri.Authority),
            new("x-amz-date", amzDate),
            new("x-amz-security-token", credentials.SessionToken),
        };
        if (contentSha256 is not null)
        {
            signed.Add(new("x-amz-content-sha256", contentSha256));
        }

        signed.AddRange((headers ?? new Dictionary<string, string>()).Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
        var payloadHash = contentSha256 ?? SigV4Primitives.Sha256Hex(body("", amzDate));
        var authorization = SigV4Signer.Authorize(new SignableRequest(method.Method, uri.AbsolutePath, CanonicalQuery.Parse(uri.Query), signed, service == "s3"),
            credentials.AccessKeyId, credentials.SecretAccessKey, "us-east-1", service, now, payloadHash);
        if (forge)
        {
            authorization = authorization[..^1] + (authorization[^1] == '0' ? '1' : '0');
        }

        using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(body(authorization[(authorization.LastIndexOf('=') + 1)..], amzDate)) };
        foreach (var (name, value) in signed)
        {
            if (name == "host")
            {
                request.Headers.Host = value;
            }
            else if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        // Held calls wait for a human; the hold window, not HttpClient's 100 s default, bounds them.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(6) };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
