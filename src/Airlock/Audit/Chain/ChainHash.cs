using System.Buffers;
using System.Text;
using Airlock.Hashing;

namespace Airlock.Audit.Chain;

/// <summary>
/// The hash that links the audit log: each record's covers its sequence number, kind, time, content and the
/// previous record's hash, so changing, removing, inserting or moving a record breaks every link after it.
/// </summary>
internal static class ChainHash
{
    /// <summary>What the first record follows.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash that stands in the log for a text the audit row holds.</summary>
    public static string OfText(string text) => Sha256Hex.OfText(text);

    public static string Compute(string previous, long seq, string kind, string time, string body) =>
        OfText($"{previous}\n{seq}\n{kind}\n{time}\n{body}");

    /// <summary>As <see cref="Compute(string, long, string, string, string)"/>, for a body the writer holds as UTF-8: the same hash, without a copy as text.</summary>
    public static string Compute(string previous, long seq, string kind, string time, ReadOnlySpan<byte> body)
    {
        Span<char> head = stackalloc char[256];
        if (!head.TryWrite(System.Globalization.CultureInfo.InvariantCulture, $"{previous}\n{seq}\n{kind}\n{time}\n", out var headLength))
        {
            return Compute(previous, seq, kind, time, Encoding.UTF8.GetString(body));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(headLength) + body.Length);
        try
        {
            var length = Encoding.UTF8.GetBytes(head[..headLength], buffer);
            body.CopyTo(buffer.AsSpan(length));
            return Sha256Hex.Of(buffer.AsSpan(0, length + body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
