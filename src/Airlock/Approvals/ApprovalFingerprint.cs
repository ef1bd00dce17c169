using System.Security.Cryptography;
using System.Text;
using Airlock.Identity;

namespace Airlock.Approvals;

/// <summary>
/// What makes a retry "the same call": the session, the action, the resources and the parameters —
/// less the idempotency tokens SDKs generate afresh for every attempt.
/// </summary>
internal static class ApprovalFingerprint
{
    private static readonly HashSet<string> PerAttempt = new(StringComparer.Ordinal) { "ClientToken", "ClientRequestToken", "IdempotencyToken" };

    /// <summary>
    /// Keyed with the session's secret key: the parameters include the ones never recorded (the password of a held
    /// <c>iam:CreateLoginProfile</c>, a held secret's value), and the approval's record shows all the rest, so a plain hash
    /// would let anyone who reads the store test guesses of the secret. The session's nodes hold its key; no one else does.
    /// </summary>
    public static string Of(Session session, string action, IEnumerable<string> resources, IReadOnlyDictionary<string, string> parameters)
    {
        var text = new StringBuilder().Append(session.Id).Append('\n').Append(action).Append('\n');
        foreach (var resource in resources.Order(StringComparer.Ordinal))
        {
            text.Append(resource).Append('\n');
        }

        foreach (var (name, value) in parameters.Where(p => !PerAttempt.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(session.SecretAccessKey), Encoding.UTF8.GetBytes(text.ToString())));
    }
}
