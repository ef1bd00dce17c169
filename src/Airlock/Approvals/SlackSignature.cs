using System.Security.Cryptography;
using System.Text;

namespace Airlock.Approvals;

/// <summary>
/// Slack's request signing, version 0: <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))</c>
/// over the exact bytes received, with <c>X-Slack-Request-Timestamp</c> no more than five minutes from now.
/// </summary>
internal static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public enum Check
    {
        Valid,
        Missing,
        Stale,
        Mismatch,
    }

    public static Check Verify(byte[] secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, null, out var seconds))
        {
            return Check.Missing;
        }

        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds() || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Window)
        {
            return Check.Stale;
        }

        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || signature.Length != 3 + 64)
        {
            return Check.Mismatch;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(3));
        }
        catch (FormatException)
        {
            return Check.Mismatch;
        }

        return CryptographicOperations.FixedTimeEquals(Sign(secret, timestamp, body), given) ? Check.Valid : Check.Mismatch;
    }

    public static byte[] Sign(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
