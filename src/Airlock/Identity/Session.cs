namespace Airlock.Identity;

/// <summary>
/// Airlock session credentials and who they belong to. They look like AWS temporary credentials
/// but are only valid at Airlock, for one connection, until they expire or are revoked.
/// </summary>
internal sealed record Session(
    string Id,
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    string Subject,
    string Issuer,
    IReadOnlyList<string> Groups,
    string Connection,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt);
