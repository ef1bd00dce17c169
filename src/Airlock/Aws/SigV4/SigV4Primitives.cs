using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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

    /// <summary>Whether an <c>x-amz-content-sha256</c> value is the body's digest, not a marker of how it is signed.</summary>
    public static bool IsHexSha256(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

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

    /// <summary>
    /// The signature of a canonical request's hash: the string to sign is written and encoded on the stack, not built as a
    /// string and copied to bytes, since every call is signed twice (the caller's checked, the upstream's made).
    /// </summary>
    public static string Sign(byte[] signingKey, string amzDate, CredentialScope scope, string canonicalRequestHash)
    {
        var length = Algorithm.Length + amzDate.Length + scope.Date.Length + scope.Region.Length + scope.Service.Length + canonicalRequestHash.Length + 20;
        var rentedChars = length > 512 ? ArrayPool<char>.Shared.Rent(length) : null;
        Span<char> chars = rentedChars ?? stackalloc char[512];
        var byteCount = Encoding.UTF8.GetMaxByteCount(length);
        var rentedBytes = byteCount > 1024 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        Span<byte> bytes = rentedBytes ?? stackalloc byte[1024];
        try
        {
            if (!chars.TryWrite($"{Algorithm}\n{amzDate}\n{scope.Date}/{scope.Region}/{scope.Service}/aws4_request\n{canonicalRequestHash}", out var written))
            {
                throw new InvalidOperationException("The string to sign outgrew its buffer.");
            }

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(signingKey, bytes[..Encoding.UTF8.GetBytes(chars[..written], bytes)], mac);
            return Convert.ToHexStringLower(mac);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

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
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected.AsSpan()), MemoryMarshal.AsBytes(actual.AsSpan()));
}
