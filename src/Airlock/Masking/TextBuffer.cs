using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Airlock.Masking;

/// <summary>
/// Json strings as chars without a string per value: most values are ruled out by the detectors' cheap tests,
/// and property names repeat (DynamoDB's <c>S</c>, an item's attribute names), so each distinct name is made once.
/// </summary>
internal sealed class TextBuffer : IDisposable
{
    // Kept per thread between bodies (a body is masked in one synchronous pass), with the names seen so far:
    // responses of one service repeat the same names, so most bodies make none.
    [ThreadStatic]
    private static TextBuffer? t_kept;

    private const int KeptNames = 1024;
    private const int KeptChars = 64 * 1024;

    private char[] _chars = ArrayPool<char>.Shared.Rent(256);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    private TextBuffer()
    {
    }

    /// <summary>This thread's buffer, or a new one while it is in use; dispose it to give it back.</summary>
    public static TextBuffer Rent()
    {
        var buffer = t_kept ?? new TextBuffer();
        t_kept = null;
        return buffer;
    }

    /// <summary>The current string token's text, valid until the next call.</summary>
    public ReadOnlySpan<char> Value(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString();
        }

        var raw = reader.ValueSpan;
        if (_chars.Length < raw.Length)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(raw.Length);
        }

        var count = Encoding.UTF8.GetChars(raw, _chars);
        return _chars.AsSpan(0, count);
    }

    /// <summary>The current property name, shared with earlier occurrences of the same name.</summary>
    public string Name(ref Utf8JsonReader reader)
    {
        var chars = Value(ref reader);
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var name))
        {
            return name;
        }

        name = chars.ToString();
        _names[name] = name;
        return name;
    }

    public void Dispose()
    {
        if (_names.Count > KeptNames)
        {
            _names.Clear();
        }

        if (_chars.Length > KeptChars)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(256);
        }

        t_kept = this;
    }
}
