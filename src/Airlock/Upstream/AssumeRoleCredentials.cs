using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using Airlock.Aws.SigV4;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Upstream;

/// <summary>
/// Short-lived upstream credentials per Airlock session for <c>assume_role</c> connections: STS
/// AssumeRole with a session policy cut to the caller's rights, cached for the session, and discarded
/// as soon as the session is revoked or expires.
/// </summary>
internal sealed partial class AssumeRoleCredentials : IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry?>>> _cache = new(StringComparer.Ordinal);
    private readonly HttpMessageInvoker _client;
    private readonly PolicyHolder _policy;
    private readonly ISessionStore _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Timer _sweeper;

    public AssumeRoleCredentials(HttpMessageInvoker client, PolicyHolder policy, ISessionStore sessions, TimeProvider time, ILogger<AssumeRoleCredentials> logger)
    {
        _client = client;
        _policy = policy;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        _sweeper = new Timer(_ => _ = SweepAsync(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    public int Cached => _cache.Count;

    /// <summary>The session's credential for the connection's role, or null when STS would not give one.</summary>
    public async Task<UpstreamCredentials?> GetAsync(ConnectionOptions connection, Session session, CancellationToken cancellationToken)
    {
        var lazy = _cache.GetOrAdd(session.Id, _ => new Lazy<Task<Entry?>>(() => AssumeAsync(connection, session)));
        var entry = await lazy.Value.WaitAsync(cancellationToken);
        if (entry is null || entry.Expires - _time.GetUtcNow() < RefreshMargin)
        {
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<Entry?>>>(session.Id, lazy));
            lazy = _cache.GetOrAdd(session.Id, _ => new Lazy<Task<Entry?>>(() => AssumeAsync(connection, session)));
            entry = await lazy.Value.WaitAsync(cancellationToken);
        }

        return entry?.Credentials;
    }

    /// <summary>Drops a session's credential at once (the session was found revoked or expired).</summary>
    public void Discard(string sessionId, string reason)
    {
        if (_cache.TryRemove(sessionId, out _))
        {
            Log.Discarded(_logger, sessionId, reason);
        }
    }

    private async Task SweepAsync()
    {
        foreach (var (sessionId, lazy) in _cache)
        {
            if (!lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully || lazy.Value.Result is not { } entry)
            {
                continue;
            }

            try
            {
                var stored = await _sessions.FindByAccessKeyAsync(entry.SessionAccessKeyId, CancellationToken.None);
                if (stored is null || stored.Session.RevokedAt is not null)
                {
                    Discard(sessionId, "session revoked");
                }
                else if (stored.Session.ExpiresAt <= _time.GetUtcNow())
                {
                    Discard(sessionId, "session expired");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The store is down: keep the credential until it can be checked; calls are refused meanwhile anyway.
                Log.SweepFailed(_logger, e);
            }
        }
    }

    private async Task<Entry?> AssumeAsync(ConnectionOptions connection, Session session)
    {
        var entry = await RequestAsync(connection, session);
        Telemetry.UpstreamMetrics.CredentialRefreshes.WithLabels(connection.Name, entry is null ? "failed" : "ok").Inc();
        return entry;
    }

    private async Task<Entry?> RequestAsync(ConnectionOptions connection, Session session)
    {
        var role = connection.Credentials;
        var baseCredentials = role.Base is null ? null : UpstreamCredentialProvider.Resolve(role.Base);
        var sessionPolicy = SessionPolicy.For(_policy.Current, session);
        if (baseCredentials is null || sessionPolicy is null)
        {
            Log.AssumeFailed(_logger, session.Id, baseCredentials is null ? "no base credential" : "session policy too long for STS", null);
            return null;
        }

        var duration = Math.Min(role.DurationSeconds, Math.Max(900, (int)(session.ExpiresAt - _time.GetUtcNow()).TotalSeconds));
        var form = new Dictionary<string, string>
        {
            ["Action"] = "AssumeRole",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = role.RoleArn!,
            ["RoleSessionName"] = "airlock-" + session.Id,
            ["DurationSeconds"] = duration.ToString(CultureInfo.InvariantCulture),
            ["Policy"] = sessionPolicy,
        };
        if (role.ExternalId is { } externalId)
        {
            form["ExternalId"] = externalId;
        }

        try
        {
            using var request = StsRequest(connection, baseCredentials, form);
            using var response = await _client.SendAsync(request, CancellationToken.None);
            var xml = XElement.Parse(await response.Content.ReadAsStringAsync());
            string? Find(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            if (!response.IsSuccessStatusCode || Find("AccessKeyId") is not { } keyId || Find("SecretAccessKey") is not { } secret)
            {
                Log.AssumeFailed(_logger, session.Id, $"STS answered {(int)response.StatusCode} {Find("Code")}", null);
                return null;
            }

            var expires = DateTimeOffset.Parse(Find("Expiration")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            Log.Assumed(_logger, role.RoleArn!, session.Id, keyId, expires);
            return new Entry(new UpstreamCredentials(keyId, secret, Find("SessionToken")), expires, session.AccessKeyId);
        }
        catch (Exception e) when (e is HttpRequestException or System.Xml.XmlException or FormatException or OperationCanceledException)
        {
            Log.AssumeFailed(_logger, session.Id, "STS unreachable or its answer unreadable", e);
            return null;
        }
    }

    private HttpRequestMessage StsRequest(ConnectionOptions connection, UpstreamCredentials credentials, Dictionary<string, string> form)
    {
        var endpoint = new Uri(connection.Endpoint ?? $"https://sts.{connection.Region}.amazonaws.com");
        var body = string.Join('&', form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var now = _time.GetUtcNow();
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            new("host", endpoint.Authority),
            new("x-amz-date", SigV4Signer.AmzDate(now)),
        };
        if (credentials.SessionToken is { } token)
        {
            headers.Add(new("x-amz-security-token", token));
        }

        var authorization = SigV4Signer.Authorize(new SignableRequest("POST", "/", [], headers, IsS3: false),
            credentials.AccessKeyId, credentials.SecretAccessKey, connection.Region, "sts", now, SigV4Primitives.Sha256Hex(bytes));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/")) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", headers[0].Value);
        foreach (var (name, value) in headers.Skip(2))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    public void Dispose() => _sweeper.Dispose();

    private sealed record Entry(UpstreamCredentials Credentials, DateTimeOffset Expires, string SessionAccessKeyId);

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "assumed {RoleArn} for session {SessionId} (upstream key {AccessKeyId}) until {Expires}")]
        public static partial void Assumed(ILogger logger, string roleArn, string sessionId, string accessKeyId, DateTimeOffset expires);

        [LoggerMessage(31, LogLevel.Information, "discarded the upstream credential of session {SessionId}: {Reason}")]
        public static partial void Discarded(ILogger logger, string sessionId, string reason);

        [LoggerMessage(32, LogLevel.Warning, "no upstream credential for session {SessionId}: {Reason}")]
        public static partial void AssumeFailed(ILogger logger, string sessionId, string reason, Exception? exception);

        [LoggerMessage(33, LogLevel.Warning, "could not check cached upstream credentials against the session store")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
