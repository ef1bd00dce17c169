using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Airlock.Aws.SigV4;

/// <summary>The byte-level building blocks of AWS Signature Version 4.</summary>
internal static class SigV4Primitives
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    // A signing key is good for one secret, day, region and service: a session's calls (verified, then re-signed for
    // upstream) keep deriving the same few. Bounded, and dropped whole when full, since days move on.
    private const int KeptSigningKeys = 4096;
    private static readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> SigningKeys = new();

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Hashing.Sha256Hex.Of(data);

    public static string Sha256Hex(string text) => Hashing.Sha256Hex.OfText(text);

    /// <summary>The SigV4 signing key (never to be written to: it is shared between calls).</summary>
    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        var scope = (secretAccessKey, date, region, service);
        if (SigningKeys.TryGetValue(scope, out var kept))
        {
            return kept;
        }

        if (SigningKeys.Count >= KeptSigningKeys)
        {
            SigningKeys.Clear();
        }

        return SigningKeys[scope] = Derive(secretAccessKey, date, region, service);
    }

    private static byte[] Derive(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string StringToSign(string amzDate, string scope, string canonicalRequestHash) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{canonicalRequestHash}";

    /// <summary>AWS's UriEncode: every byte but the unreserved characters becomes %XX (upper-case hex).</summary>
    public static string UriEncode(string value, bool encodeSlash)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length + 8);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~' || (c == '/' && !encodeSlash))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return sb.ToString();
    }

    /// <summary>Compares two signatures in constant time, so timing tells an attacker nothing.</summary>
    public static bool SignaturesEqual(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
}
