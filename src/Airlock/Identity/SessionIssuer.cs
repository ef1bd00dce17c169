using System.Security.Cryptography;

namespace Airlock.Identity;

/// <summary>Turns a validated identity into Airlock session credentials for one connection.</summary>
/// <param name="connections">The names of the configured connections: a session is issued for one of them only.</param>
internal sealed class SessionIssuer(SessionOptions options, IReadOnlySet<string> connections, ISessionStore store, TimeProvider time)
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The new session, or null when <paramref name="connection"/> is not configured.</summary>
    public async Task<Session?> IssueAsync(ValidatedIdentity identity, string connection, int? durationSeconds, CancellationToken cancellationToken,
        IssuedFrom? from = null)
    {
        if (!connections.Contains(connection))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(Math.Min(durationSeconds ?? int.MaxValue, options.MaxDurationSeconds));
        var expires = now + lifetime < identity.ExpiresAt ? now + lifetime : identity.ExpiresAt;
        var session = new Session(
            Id: "sess-" + RandomNumberGenerator.GetHexString(16, lowercase: true),
            AccessKeyId: "ASIA" + RandomNumberGenerator.GetString(KeyAlphabet, 16),
            SecretAccessKey: Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            SessionToken: "Airlock" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            Subject: identity.Subject,
            Issuer: identity.Issuer,
            Groups: identity.Groups,
            Connection: connection,
            CreatedAt: now,
            ExpiresAt: expires,
            RevokedAt: null);
        await store.CreateAsync(session, cancellationToken, from);
        Telemetry.StateMetrics.SessionsIssued.Inc();
        return session;
    }

    /// <summary>A RoleArn names the connection in its last path segment: <c>arn:aws:iam::000000000000:role/prod</c> → <c>prod</c>.</summary>
    public static string ConnectionFromRoleArn(string roleArn)
    {
        var slash = roleArn.LastIndexOf('/');
        return slash < 0 ? roleArn : roleArn[(slash + 1)..];
    }
}
