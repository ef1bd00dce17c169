using System.Text.Json;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Upstream;

/// <summary>
/// The IAM session policy for an assumed role: what the caller's Airlock policy could ever allow it,
/// so that AWS, not only Airlock, bounds the session. Conditions stay Airlock's to check.
/// </summary>
internal static class SessionPolicy
{
    /// <summary>AWS's limit on a packed session policy.</summary>
    public const int MaxLength = 2048;

    /// <summary>The policy JSON, or null when even the per-service form is too long (the call is then refused).</summary>
    public static string? For(CompiledPolicy policy, Session session)
    {
        var granting = policy.StatementsFor(session.Subject, session.Groups, session.Connection, session.Issuer)
            .Where(s => s.Effect is StatementEffect.Allow or StatementEffect.Review)
            .ToList();
        if (granting.Count == 0)
        {
            return Serialize([new Dictionary<string, object> { ["Effect"] = "Deny", ["Action"] = "*", ["Resource"] = "*" }]);
        }

        var exact = Serialize(granting.Select(s => new Dictionary<string, object>
        {
            ["Effect"] = "Allow",
            [s.NotAction ? "NotAction" : "Action"] = s.Actions,
            [s.NotResource ? "NotResource" : "Resource"] = s.Resources,
        }));
        if (exact.Length <= MaxLength)
        {
            return exact;
        }

        // Too long for STS: widen to whole services, still far narrower than the role itself.
        if (granting.Any(s => s.NotAction || s.Actions.Contains("*")))
        {
            return null;
        }

        var services = granting.SelectMany(s => s.Actions).Select(a => a[..a.IndexOf(':')] + ":*").Distinct().Order().ToArray();
        var wide = Serialize([new Dictionary<string, object> { ["Effect"] = "Allow", ["Action"] = services, ["Resource"] = "*" }]);
        return wide.Length <= MaxLength ? wide : null;
    }

    private static string Serialize(IEnumerable<Dictionary<string, object>> statements) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements.ToArray() });
}
