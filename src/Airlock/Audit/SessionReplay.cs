using Airlock.Identity;

namespace Airlock.Audit;

/// <summary>A session as it happened: who, on which connection, for how long, and every call in order.</summary>
internal sealed record SessionReplay(string SessionId, Session? Session, IReadOnlyList<AuditEntry> Calls)
{
    /// <summary>By session id or access key id; null when neither the session nor any record of it is known.</summary>
    public static async Task<SessionReplay?> LoadAsync(SessionStore sessions, AuditStore audit, string target, CancellationToken cancellationToken)
    {
        var session = (await sessions.FindAsync(target, cancellationToken))?.Session;
        var calls = await audit.SearchAsync(new AuditQuery { Session = session?.Id ?? target, Limit = 10_000 }, cancellationToken);
        return session is null && calls.Count == 0 ? null : new SessionReplay(session?.Id ?? target, session, calls);
    }

    /// <summary>What may be shown of the session: never its secret or token.</summary>
    public object Summary => new
    {
        session = SessionId, subject = Session?.Subject, groups = Session?.Groups, connection = Session?.Connection, issuer = Session?.Issuer,
        createdAt = Session?.CreatedAt, expiresAt = Session?.ExpiresAt, revokedAt = Session?.RevokedAt,
    };
}
