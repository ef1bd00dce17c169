using System.Collections.Concurrent;

namespace Airlock.Approvals;

/// <summary>
/// Remembers the signatures this node has taken within Slack's five-minute window, so a captured request sent again
/// is refused rather than acted on twice. Across nodes the store's one-vote-per-approver rule already makes a replay
/// change nothing; this makes it say so.
/// </summary>
internal sealed class SlackReplayGuard(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>True the first time a signature is seen; false for a replay.</summary>
    public bool FirstUse(string signature)
    {
        var now = time.GetUtcNow();
        foreach (var (old, at) in _seen)
        {
            if (now - at > SlackSignature.Window * 2)
            {
                _seen.TryRemove(old, out _);
            }
        }

        return _seen.TryAdd(signature, now);
    }
}
