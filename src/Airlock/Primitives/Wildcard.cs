namespace Airlock.Primitives;

/// <summary>IAM-style wildcards: '*' any run of characters, '?' exactly one.</summary>
internal static class Wildcard
{
    /// <summary>True when <paramref name="text"/> has a wildcard: a pattern rather than one name.</summary>
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Case-insensitive, as IAM matches actions.</summary>
    public static bool Matches(string pattern, string value) => Matches(pattern, value, ignoreCase: true);

    /// <param name="valueHasUnknowns">
    /// The value's own '?' are characters not known yet, each of which may be any one (a secret's suffix): true when
    /// some value the pattern matches could be it.
    /// </param>
    public static bool Matches(string pattern, string value, bool ignoreCase, bool valueHasUnknowns = false)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase) || (valueHasUnknowns && value[v] == '?' && pattern[p] != '*')))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
