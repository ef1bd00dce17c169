using System.Collections.Concurrent;

namespace Airlock.Identity;

/// <summary>
/// Sessions the gateway has read, each tagged with the store's change counter as it was before the read
/// (<see cref="StoredSession.SessionsVersion"/>): an entry
/// counts only while the counter still says the same, so any revocation, by this process or another, is seen on the
/// next call without a row read per call.
/// </summary>
internal sealed class SessionCache
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, StoredSession> _entries = new(StringComparer.Ordinal);

    public StoredSession? Find(string accessKeyId, long version) =>
        _entries.TryGetValue(accessKeyId, out var entry) && entry.SessionsVersion == version ? entry : null;

    /// <summary>Keeps a session read with its counter (<see cref="StoredSession.SessionsVersion"/> set).</summary>
    public void Keep(string accessKeyId, StoredSession session)
    {
        if (_entries.Count >= Capacity)
        {
            // Bounded by forgetting: the next calls read their sessions again.
            _entries.Clear();
        }

        _entries[accessKeyId] = session;
    }
}
