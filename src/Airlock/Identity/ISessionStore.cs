namespace Airlock.Identity;

/// <summary>Where sessions live, so that every gateway node and every restart sees the same ones.</summary>
internal interface ISessionStore
{
    Task CreateAsync(Session session, CancellationToken cancellationToken);

    /// <summary>The session for an access key id. Its <see cref="Session.SessionToken"/> is empty: only a hash is stored.</summary>
    Task<StoredSession?> FindByAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredSession>> ListAsync(bool includeEnded, CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sessions that ended (revoked, or expired by <paramref name="now"/>) whose end the audit trail does not hold yet.</summary>
    Task<IReadOnlyList<Session>> UnrecordedEndsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task MarkEndRecordedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A session as the store keeps it: the token only as a SHA-256 hash.</summary>
internal sealed record StoredSession(Session Session, string SessionTokenHash);
