using System.Collections.Concurrent;

namespace Airlock.Identity;

/// <summary>
/// Sessions the gateway has read, each tagged with the store's change counter as it was before the read: an entry
/// counts only while the counter still says the same, so any revocation, by this process or another, is seen on the
/// next call without a row read per call.
/// </summary>
internal sealed class SessionCache
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, (StoredSession Session, long Version)> _entries = new(StringComparer.Ordinal);

    public StoredSession? Find(string accessKeyId, long version) =>
        _entries.TryGetValue(accessKeyId, out var entry) && entry.Version == version ? entry.Session : null;

    public void Keep(string accessKeyId, long version, StoredSession session)
    {
        if (_entries.Count >= Capacity)
        {
            // Bounded by forgetting: the next calls read their sessions again.
            _entries.Clear();
        }

        _entries[accessKeyId] = (session, version);
    }
}
