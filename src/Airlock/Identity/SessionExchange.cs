using Airlock.Hashing;

namespace Airlock.Identity;

/// <summary>What exchanging a valid token gave: a session, or why there is none.</summary>
internal sealed record Exchanged(Session? Session, string Audience, DateTimeOffset? RevokedUntil = null, string? UnknownConnection = null);

/// <summary>
/// An OIDC token exchanged for a session of the connection a role names, whichever front end asked: refused while its
/// subject (or the token itself) is revoked, and bound to the token so that revoking one session also stops its token.
/// </summary>
internal sealed class SessionExchange(TokenValidator tokens, SessionIssuer issuer, ISessionStore sessions, TimeProvider time)
{
    public Task<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken) => tokens.ValidateAsync(token, cancellationToken);

    /// <summary>Issues the session; a store that cannot be read or written throws, and nothing is issued.</summary>
    public async Task<Exchanged> IssueAsync(ValidatedIdentity identity, string token, string roleArn, int? durationSeconds, CancellationToken cancellationToken)
    {
        var audience = string.Join(',', tokens.AudiencesOf(identity.Issuer));
        var from = new IssuedFrom(Sha256Hex.OfText(token), identity.ExpiresAt);
        if (await sessions.RevokedUntilAsync(identity.Subject, from.TokenHash, time.GetUtcNow(), cancellationToken) is { } until)
        {
            return new Exchanged(null, audience, RevokedUntil: until);
        }

        var connection = SessionIssuer.ConnectionFromRoleArn(roleArn);
        var session = await issuer.IssueAsync(identity, connection, durationSeconds, cancellationToken, from);
        return new Exchanged(session, audience, UnknownConnection: session is null ? connection : null);
    }
}
