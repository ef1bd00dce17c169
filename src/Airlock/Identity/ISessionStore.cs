namespace Airlock.Identity;

/// <summary>Where sessions live, so that every gateway node and every restart sees the same ones.</summary>
internal interface ISessionStore
{
    /// <param name="from">The token the session was exchanged for (its hash), so that revoking the session also stops that token.</param>
    Task CreateAsync(Session session, CancellationToken cancellationToken, IssuedFrom? from = null);

    /// <summary>The session for an access key id. Its <see cref="Session.SessionToken"/> is empty: only a hash is stored.</summary>
    ValueTask<StoredSession?> FindByAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredSession>> ListAsync(bool includeEnded, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes one session, and the token it was exchanged for until that token expires (it would get a new one at once).</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Revokes every session of <paramref name="subject"/> and refuses its token exchanges until <paramref name="until"/>; the number of sessions revoked.</summary>
    Task<int> RevokeSubjectAsync(string subject, DateTimeOffset until, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Until when a subject or a token (by its SHA-256) may not be exchanged for a session; null when it may.</summary>
    Task<DateTimeOffset?> RevokedUntilAsync(string subject, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sessions that ended (revoked, or expired by <paramref name="now"/>) whose end the audit trail does not hold yet.</summary>
    Task<IReadOnlyList<Session>> UnrecordedEndsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task MarkEndRecordedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>The OIDC token a session was exchanged for: its SHA-256 (never the token) and its expiry.</summary>
internal sealed record IssuedFrom(string TokenHash, DateTimeOffset TokenExpiresAt);

/// <summary>A session as the store keeps it: the token only as a SHA-256 hash.</summary>
internal sealed record StoredSession(Session Session, string SessionTokenHash)
{
    /// <summary>The sessions' change counter this copy is current for, where the store told it.</summary>
    public long? SessionsVersion { get; init; }
}
