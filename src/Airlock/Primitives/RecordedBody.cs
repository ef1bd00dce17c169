using System.Text;
using System.Text.Unicode;

namespace Airlock.Primitives;

/// <summary>
/// The start of a response body as the audit row keeps it: UTF-8, cut at a character boundary, and valid, so that
/// the text read back from the store encodes to exactly the bytes whose hash the chain holds.
/// </summary>
internal static class RecordedBody
{
    public static byte[] Start(ReadOnlySpan<byte> body, int maxBytes)
    {
        var length = Math.Min(body.Length, maxBytes);
        if (length < body.Length)
        {
            // Never end inside a character: step back over its continuation bytes to its first byte, and leave it out.
            var cut = length;
            while (cut > 0 && cut > length - 4 && (body[cut] & 0xC0) == 0x80)
            {
                cut--;
            }

            length = cut;
        }

        var kept = body[..length];
        // Not UTF-8 (a body that is not text): kept as its decoding reads, with U+FFFD in place of what is not.
        return Utf8.IsValid(kept) ? kept.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kept));
    }
}
