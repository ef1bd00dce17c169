using System.Text.Json;
using Airlock.Identity;

namespace Airlock.Policy;

/// <summary>What a session may do: the statements of the policy in force whose principal covers it, as JSON.</summary>
internal static class PermissionsDocument
{
    public static byte[] For(CompiledPolicy policy, Session session)
    {
        var statements = policy.StatementsFor(session.Subject, session.Groups, session.Connection, session.Issuer)
            .Select(s => new Dictionary<string, object?>
            {
                ["sid"] = s.Sid,
                ["effect"] = s.Effect.ToString(),
                [s.NotAction ? "notActions" : "actions"] = s.Actions,
                ["accessLevels"] = s.AccessLevels.Count > 0 ? s.AccessLevels : null,
                [s.NotResource ? "notResources" : "resources"] = s.Resources,
                ["conditions"] = s.Conditions.Select(c => new { @operator = c.Operator, key = c.Key, values = c.Values }),
                ["approvers"] = s.Effect == StatementEffect.Review ? s.Approvers : null,
                ["quorum"] = s.Effect == StatementEffect.Review ? s.Quorum : null,
            });
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["subject"] = session.Subject,
            ["groups"] = session.Groups,
            ["connection"] = session.Connection,
            ["expires"] = StsResponses.Iso(session.ExpiresAt),
            ["evaluation"] = "An explicit Deny wins, then Review, then Allow; anything not allowed is denied.",
            ["statements"] = statements,
        });
    }
}
