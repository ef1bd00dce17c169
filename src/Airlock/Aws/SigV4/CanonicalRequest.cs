using System.Buffers;
using System.Text;

namespace Airlock.Aws.SigV4;

/// <summary>Builds the SigV4 canonical request from already-canonical parts.</summary>
internal static class CanonicalRequest
{
    /// <summary>The hex SHA-256 of the canonical request, which is all that signing needs of it.</summary>
    /// <param name="headers">Lower-case header names with their values; a name may repeat.</param>
    public static string Sha256Hex(
        string method,
        string canonicalUri,
        string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        IReadOnlyList<string> signedHeaders,
        string payloadHash)
    {
        // Written into a pooled buffer sized up front and hashed from there: a session token alone is a kilobyte,
        // and a builder and its string would copy it twice more on every call.
        // Indexed loops: a foreach over these interfaces would allocate an enumerator, once per signed header below.
        var capacity = method.Length + canonicalUri.Length + canonicalQuery.Length + payloadHash.Length + 8;
        for (var i = 0; i < headers.Count; i++)
        {
            capacity += headers[i].Key.Length + headers[i].Value.Length + 2;
        }

        for (var i = 0; i < signedHeaders.Count; i++)
        {
            capacity += 2 * signedHeaders[i].Length + 3;
        }

        var buffer = ArrayPool<char>.Shared.Rent(capacity);
        try
        {
            var text = new Writer(buffer);
            text.Line(method);
            text.Line(canonicalUri);
            text.Line(canonicalQuery);
            for (var n = 0; n < signedHeaders.Count; n++)
            {
                var name = signedHeaders[n];
                text.Append(name);
                text.Append(':');
                var first = true;
                for (var h = 0; h < headers.Count; h++)
                {
                    var header = headers[h];
                    if (!string.Equals(header.Key, name, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!first)
                    {
                        text.Append(',');
                    }

                    text.Append(CanonicalHeaderValue(header.Value));
                    first = false;
                }

                text.Append('\n');
            }

            text.Append('\n');
            for (var i = 0; i < signedHeaders.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(';');
                }

                text.Append(signedHeaders[i]);
            }

            text.Append('\n');
            text.Append(payloadHash);
            return Hashing.Sha256Hex.OfText(text.Written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private ref struct Writer(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;

        public readonly ReadOnlySpan<char> Written => _buffer[.._length];

        public void Append(ReadOnlySpan<char> text)
        {
            text.CopyTo(_buffer[_length..]);
            _length += text.Length;
        }

        public void Append(char c) => _buffer[_length++] = c;

        public void Line(ReadOnlySpan<char> text)
        {
            Append(text);
            Append('\n');
        }
    }

    /// <summary>Trims a header value and collapses runs of spaces, as SigV4 requires.</summary>
    public static string CanonicalHeaderValue(string value)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.Length == value.Length && !NeedsCollapsing(trimmed))
        {
            return value;
        }

        var sb = new StringBuilder(trimmed.Length);
        var lastWasSpace = false;
        foreach (var c in trimmed)
        {
            var isSpace = c is ' ' or '\t' or '\n' or '\r';
            if (isSpace && lastWasSpace)
            {
                continue;
            }

            sb.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
        }

        return sb.ToString();
    }

    private static bool NeedsCollapsing(ReadOnlySpan<char> value)
    {
        var lastWasSpace = false;
        foreach (var c in value)
        {
            var isSpace = c is ' ' or '\t' or '\n' or '\r';
            if (isSpace && (lastWasSpace || c != ' '))
            {
                return true;
            }

            lastWasSpace = isSpace;
        }

        return false;
    }

    /// <summary>
    /// The canonical URI of a raw request path. S3 signs the path as sent; every other service
    /// normalizes it and encodes it once more, so an already-encoded '%' becomes '%25'.
    /// </summary>
    public static string CanonicalUri(string rawPath, bool isS3)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        if (isS3 || IsCanonical(rawPath))
        {
            return rawPath;
        }

        return SigV4Primitives.UriEncode(NormalizePath(rawPath), encodeSlash: false);
    }

    /// <summary>
    /// Whether normalizing and encoding would give the path back unchanged (every json and query-protocol call's "/"):
    /// rooted, no empty, "." or ".." segment, and nothing to encode.
    /// </summary>
    private static bool IsCanonical(string path) =>
        path.StartsWith('/') && !path.Contains("//", StringComparison.Ordinal) && !path.AsSpan().ContainsAnyExcept(PlainPathCharacters);

    // The unreserved characters but '.', which could make a "." or ".." segment, and the separator.
    private static readonly SearchValues<char> PlainPathCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~/");

    private static string NormalizePath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var normalized = "/" + string.Join('/', segments);
        return path.EndsWith('/') && normalized != "/" ? normalized + "/" : normalized;
    }
}
