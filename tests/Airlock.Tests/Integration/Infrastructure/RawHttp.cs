using System.Net.Sockets;
using System.Text;
using Airlock.Aws.SigV4;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// HTTP/1.1 on a bare socket, for what no client library lets a test control: a head sent without its body (as a
/// client waiting for <c>100 Continue</c> does), and several requests on one connection.
/// </summary>
internal sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawHttp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _stream.ReadTimeout = 30_000;
    }

    public static async Task<RawHttp> ConnectAsync(string url)
    {
        var uri = new Uri(url);
        var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        return new RawHttp(client);
    }

    /// <summary>A request head signed with SigV4 by the session (S3 payload hash in <paramref name="payloadHash"/>); a signed header may come twice.</summary>
    public static string SignedHead(string url, SessionCredentials credentials, string method, string path, string service,
        IEnumerable<KeyValuePair<string, string>> signedHeaders, IReadOnlyDictionary<string, string> unsignedHeaders, string payloadHash)
    {
        var uri = new Uri(url);
        var now = DateTimeOffset.UtcNow;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", uri.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
            new("x-amz-security-token", credentials.SessionToken),
        };
        headers.AddRange(signedHeaders.Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
        var q = path.IndexOf('?');
        var authorization = SigV4Signer.Authorize(
            new SignableRequest(method, q < 0 ? path : path[..q], CanonicalQuery.Parse(q < 0 ? "" : path[(q + 1)..]), headers, service == "s3"),
            credentials.AccessKeyId, credentials.SecretAccessKey, "us-east-1", service, now, payloadHash);
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\n");
        foreach (var (name, value) in headers.Concat(unsignedHeaders))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return head.Append("Authorization: ").Append(authorization).Append("\r\n\r\n").ToString();
    }

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    /// <summary>The next response on the connection (a Content-Length body), or null when the server closed it first.</summary>
    public async Task<RawResponse?> ReadResponseAsync()
    {
        int end;
        while ((end = IndexOf(_pending, "\r\n\r\n"u8.ToArray())) < 0)
        {
            if (!await FillAsync())
            {
                return null;
            }
        }

        var head = Encoding.ASCII.GetString(_pending.GetRange(0, end).ToArray());
        _pending.RemoveRange(0, end + 4);
        var lines = head.Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).GroupBy(p => p[0].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p[1].Trim())));
        var length = headers.TryGetValue("content-length", out var text) ? int.Parse(text) : 0;
        while (_pending.Count < length)
        {
            if (!await FillAsync())
            {
                throw new IOException("the server closed the connection inside a response body");
            }
        }

        var body = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
        _pending.RemoveRange(0, length);
        return new RawResponse(int.Parse(lines[0].Split(' ')[1]), headers, body);
    }

    /// <summary>True when the server has closed the connection (end of stream or reset) with nothing more to read.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            return _pending.Count == 0 && !await FillAsync();
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await _stream.ReadAsync(buffer, timeout.Token);
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }

    private static int IndexOf(List<byte> bytes, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= bytes.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = bytes[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
