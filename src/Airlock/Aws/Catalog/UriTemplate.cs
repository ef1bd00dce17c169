namespace Airlock.Aws.Catalog;

/// <summary>
/// A REST operation's request-URI template (<c>/{Bucket}/{Key+}?uploads</c>), matched against a raw
/// request path and query. Labels bind path segments; a <c>+</c> label is greedy.
/// </summary>
internal sealed class UriTemplate
{
    private readonly string[] _segments;
    private readonly KeyValuePair<string, string?>[] _literalQuery;
    private readonly IReadOnlyList<string> _requiredQuery;
    private readonly IReadOnlyList<string> _requiredHeaders;

    private UriTemplate(string[] segments, KeyValuePair<string, string?>[] literalQuery, IReadOnlyList<string> requiredQuery,
        IReadOnlyList<string> requiredHeaders)
    {
        _segments = segments;
        _literalQuery = literalQuery;
        _requiredQuery = requiredQuery;
        _requiredHeaders = requiredHeaders;
    }

    /// <summary>True when the template names this query parameter itself (an S3 sub-resource such as <c>?tagging</c>).</summary>
    public bool NamesQuery(string name)
    {
        foreach (var (literal, _) in _literalQuery)
        {
            if (literal == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Higher is more specific: used to choose among templates that all match.</summary>
    public int Specificity => _segments.Count(s => !s.StartsWith('{')) * 4 + (_literalQuery.Length + _requiredQuery.Count + _requiredHeaders.Count) * 8
        + _segments.Length - (_segments.Any(s => s.EndsWith("+}")) ? 1 : 0);

    public static UriTemplate Parse(string template, IReadOnlyList<string> requiredQuery, IReadOnlyList<string> requiredHeaders)
    {
        var q = template.IndexOf('?');
        var path = q < 0 ? template : template[..q];
        var literal = q < 0
            ? []
            : template[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Select(p => new KeyValuePair<string, string?>(p[0], p.Length > 1 ? p[1] : null))
                .ToArray();
        return new UriTemplate(path.Split('/', StringSplitOptions.RemoveEmptyEntries), literal, requiredQuery, requiredHeaders);
    }

    /// <summary>Splits a decoded path into the segments <see cref="Match"/> takes; "/" has none.</summary>
    public static string[] Segments(string decodedPath)
    {
        var trimmed = decodedPath.StartsWith('/') ? decodedPath[1..] : decodedPath;
        return trimmed.Length == 0 ? [] : trimmed.Split('/');
    }

    /// <summary>Matches decoded path segments and query; on success, returns the label values.</summary>
    /// <param name="hasHeader">Tells whether the request carries a header (lower-case name).</param>
    public Dictionary<string, string>? Match(
        string[] pathSegments, IReadOnlyList<KeyValuePair<string, string>> query, Func<string, bool> hasHeader)
    {
        if (_requiredHeaders.Any(h => !hasHeader(h)))
        {
            return null;
        }

        foreach (var (name, value) in _literalQuery)
        {
            if (!query.Any(p => p.Key == name && (value is null || p.Value == value)))
            {
                return null;
            }
        }

        foreach (var name in _requiredQuery)
        {
            if (!query.Any(p => p.Key == name))
            {
                return null;
            }
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        for (var t = 0; t < _segments.Length; t++)
        {
            var segment = _segments[t];
            if (segment.StartsWith('{') && segment.EndsWith("+}"))
            {
                if (i >= pathSegments.Length)
                {
                    return null;
                }

                // A label binds a value: "/bucket/" names the bucket (S3 lists it), never an object with an empty key.
                var rest = string.Join('/', pathSegments[i..]);
                if (rest.Length == 0)
                {
                    return null;
                }

                labels[segment[1..^2]] = rest;
                return t == _segments.Length - 1 ? labels : null;
            }

            if (i >= pathSegments.Length)
            {
                return null;
            }

            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                if (pathSegments[i].Length == 0)
                {
                    return null;
                }

                labels[segment[1..^1]] = pathSegments[i];
            }
            else if (!string.Equals(segment, pathSegments[i], StringComparison.Ordinal))
            {
                return null;
            }

            i++;
        }

        // A trailing slash ("/bucket/") addresses the same resource as none.
        var consumedAll = i == pathSegments.Length || (i == pathSegments.Length - 1 && pathSegments[i].Length == 0);
        return consumedAll ? labels : null;
    }
}
