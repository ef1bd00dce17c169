namespace Airlock.Identity;

/// <summary>
/// The sessions' change counter (<c>sessions_version</c>) as the audit writer last read it, inside a commit, under the
/// store's write lock. While it is known, a call's session comes from the cache of that version without a read of the
/// store; the writer reads the counter again in the commit of the call's decision and turns the decision into a refusal
/// if the session ended since (<see cref="Audit.AuditWriter"/>). Nothing else raises it: a gateway whose writer cannot
/// see the sessions (its trail in another database) never knows it, and reads the counter on every call.
/// </summary>
internal sealed class SessionsVersionWatch
{
    private long _seen = -1;

    /// <summary>The newest counter the writer has read, or -1 before its first commit.</summary>
    public long Seen => Volatile.Read(ref _seen);

    public void Raise(long version)
    {
        var seen = Volatile.Read(ref _seen);
        while (version > seen)
        {
            var was = Interlocked.CompareExchange(ref _seen, version, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }
}
