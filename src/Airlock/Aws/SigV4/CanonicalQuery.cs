namespace Airlock.Aws.SigV4;

/// <summary>Parses a raw query string and renders its SigV4 canonical form.</summary>
internal static class CanonicalQuery
{
    /// <summary>Decoded name/value pairs in the order they were sent; '+' stays a literal plus, as in SigV4.</summary>
    public static List<KeyValuePair<string, string>> Parse(string rawQuery)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (rawQuery is "" or "?")
        {
            return pairs;
        }

        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add(new(Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }

        return pairs;
    }

    public static string Build(IEnumerable<KeyValuePair<string, string>> pairs, string? exclude = null)
    {
        // Most calls have no query: no encoding and sorting to set up for nothing.
        if (pairs is IReadOnlyCollection<KeyValuePair<string, string>> { Count: 0 })
        {
            return "";
        }

        var encoded = pairs
            .Where(p => exclude is null || !string.Equals(p.Key, exclude, StringComparison.Ordinal))
            .Select(p => (Name: SigV4Primitives.UriEncode(p.Key, true), Value: SigV4Primitives.UriEncode(p.Value, true)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value);
        return string.Join('&', encoded);
    }
}
