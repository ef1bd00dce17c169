using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Airlock.Hashing;

/// <summary>SHA-256 as lower-case hex, as SigV4 and the audit chain both write it; computed without a heap copy of the input.</summary>
internal static class Sha256Hex
{
    public static string Of(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The hash of a text's UTF-8 bytes.</summary>
    public static string OfText(ReadOnlySpan<char> text)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = length > 4096 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[4096];
        try
        {
            return Of(bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
