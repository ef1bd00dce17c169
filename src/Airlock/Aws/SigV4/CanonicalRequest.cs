using System.Text;

namespace Airlock.Aws.SigV4;

/// <summary>Builds the SigV4 canonical request from already-canonical parts.</summary>
internal static class CanonicalRequest
{
    /// <param name="headers">Lower-case header names with their values; a name may repeat.</param>
    public static string Build(
        string method,
        string canonicalUri,
        string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        IReadOnlyList<string> signedHeaders,
        string payloadHash)
    {
        // Sized up front: a session token alone is a kilobyte, and a growing builder copies it again at each step.
        var capacity = method.Length + canonicalUri.Length + canonicalQuery.Length + payloadHash.Length + 8;
        foreach (var header in headers)
        {
            capacity += header.Key.Length + header.Value.Length + 2;
        }

        var sb = new StringBuilder(capacity + signedHeaders.Count * 2);
        sb.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var name in signedHeaders)
        {
            sb.Append(name).Append(':');
            var first = true;
            foreach (var header in headers)
            {
                if (!string.Equals(header.Key, name, StringComparison.Ordinal))
                {
                    continue;
                }

                if (!first)
                {
                    sb.Append(',');
                }

                sb.Append(CanonicalHeaderValue(header.Value));
                first = false;
            }

            sb.Append('\n');
        }

        sb.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return sb.ToString();
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

        if (isS3)
        {
            return rawPath;
        }

        return SigV4Primitives.UriEncode(NormalizePath(rawPath), encodeSlash: false);
    }

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
