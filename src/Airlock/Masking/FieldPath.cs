namespace Airlock.Masking;

/// <summary>
/// A field path as configuration writes it, as segments: a name, <c>*</c> (one level: any name or list item)
/// or <c>**</c> (any number of levels). Json paths start with <c>$</c> (<c>$.Items[*].ssn.S</c>, <c>$..password</c>);
/// anything else is an xml element path below the root element (<c>GetUserResult/User/UserName</c>).
/// </summary>
internal sealed record FieldPath(IReadOnlyList<string> Segments, bool IsJson)
{
    public static FieldPath Parse(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new FormatException("The path is empty.");
        }

        var segments = path.StartsWith('$') ? ParseJsonPath(path) : ParseElementPath(path);
        if (segments.Count == 0)
        {
            throw new FormatException($"The path '{path}' names no field.");
        }

        return new FieldPath(segments, path.StartsWith('$'));
    }

    private static List<string> ParseElementPath(string path)
    {
        var segments = path.Trim('/').Split('/');
        if (segments.Any(s => s.Length == 0 || s.IndexOfAny(['[', ']', ' ']) >= 0))
        {
            throw new FormatException($"'{path}' is not an element path (names, * and ** separated by '/').");
        }

        return [.. segments];
    }

    private static List<string> ParseJsonPath(string path)
    {
        var segments = new List<string>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                if (i + 1 < path.Length && path[i + 1] == '.')
                {
                    segments.Add("**");
                    i++;
                }

                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                if (end == i + 1)
                {
                    throw new FormatException($"'{path}' has an empty name at position {i + 1}.");
                }

                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"'{path}' has an unclosed '['.");
                }

                var inside = path[(i + 1)..close].Trim();
                segments.Add(inside is ['\'', .., '\''] or ['"', .., '"'] ? inside[1..^1]
                    // An index is any item: masking does not single out list positions.
                    : inside == "*" || inside.All(char.IsAsciiDigit) && inside.Length > 0 ? "*"
                    : throw new FormatException($"'{path}': [{inside}] is neither [*], an index nor a quoted name."));
                i = close + 1;
            }
            else
            {
                throw new FormatException($"'{path}' is not a json path: expected '.' or '[' at position {i}.");
            }
        }

        return segments;
    }
}
