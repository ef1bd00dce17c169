namespace Airlock.Identity;

/// <summary>Who a valid OIDC token says the caller is.</summary>
internal sealed record ValidatedIdentity(string Subject, string Issuer, IReadOnlyList<string> Groups, DateTimeOffset ExpiresAt);

/// <summary>A validated identity, or why the token was refused.</summary>
internal readonly record struct TokenValidation(ValidatedIdentity? Identity, string? Error, bool Expired = false)
{
    public static TokenValidation Fail(string error, bool expired = false) => new(null, error, expired);
}
