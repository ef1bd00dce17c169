using System.Text;
using Airlock.Aws.SigV4;

namespace Airlock.Approvals;

/// <summary>
/// What makes a retry "the same call": the session, the action, the resources and the parameters —
/// less the idempotency tokens SDKs generate afresh for every attempt.
/// </summary>
internal static class ApprovalFingerprint
{
    private static readonly HashSet<string> PerAttempt = new(StringComparer.Ordinal) { "ClientToken", "ClientRequestToken", "IdempotencyToken" };

    public static string Of(string sessionId, string action, IEnumerable<string> resources, IReadOnlyDictionary<string, string> parameters)
    {
        var text = new StringBuilder().Append(sessionId).Append('\n').Append(action).Append('\n');
        foreach (var resource in resources.Order(StringComparer.Ordinal))
        {
            text.Append(resource).Append('\n');
        }

        foreach (var (name, value) in parameters.Where(p => !PerAttempt.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }

        return SigV4Primitives.Sha256Hex(text.ToString());
    }
}
