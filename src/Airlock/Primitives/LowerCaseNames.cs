using System.Collections.Concurrent;
using System.Text;

namespace Airlock.Primitives;

/// <summary>
/// Header names in lower case, as SigV4 and the audit trail write them. Callers send the same few mixed-case names on
/// every call (<c>X-Amz-Target</c>, <c>Content-Type</c>, …), each lower-cased three times per call: their lower-case
/// forms are kept instead of made again.
/// </summary>
internal static class LowerCaseNames
{
    // Bounded: a caller chooses the names it sends. Past this, names are lower-cased as they come.
    private const int Kept = 512;
    private static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);
    // Counted here: the dictionary's own Count takes every one of its locks.
    private static int _known;

    public static string Of(string name)
    {
        if (!name.AsSpan().ContainsAnyInRange('A', 'Z') && Ascii.IsValid(name))
        {
            return name;
        }

        if (Known.TryGetValue(name, out var lower))
        {
            return lower;
        }

        lower = name.ToLowerInvariant();
        if (Volatile.Read(ref _known) < Kept && Known.TryAdd(name, lower))
        {
            Interlocked.Increment(ref _known);
        }

        return lower;
    }
}
