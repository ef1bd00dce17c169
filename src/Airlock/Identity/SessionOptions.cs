namespace Airlock.Identity;

internal sealed class SessionOptions
{
    /// <summary>The longest a session lasts, whatever the token's expiry.</summary>
    public int MaxDurationSeconds { get; set; } = 3600;
}
