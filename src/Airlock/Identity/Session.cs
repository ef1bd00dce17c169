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
    DateTimeOffset? RevokedAt)
{
    /// <summary>What a call of a revoked session is told, wherever the revocation is found.</summary>
    public static string RevokedMessage(string id) => $"Airlock session {id} has been revoked.";
}
