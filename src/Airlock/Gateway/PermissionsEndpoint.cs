using System.Text.Json;
using Airlock.Audit;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Gateway;

/// <summary><c>GET /_airlock/permissions</c>: what the caller may do, from the policy in force.</summary>
internal sealed class PermissionsEndpoint(PolicyHolder policyHolder, AwsAnswers answers)
{
    public const string Path = "/_airlock/permissions";

    /// <summary>
    /// <c>GET /_airlock/permissions</c>, signed with the session's credentials: the statements of the
    /// policy in force that apply to this caller, so an agent can see what it may call before it tries.
    /// </summary>
    public async Task AnswerAsync(CallContext call, Session session)
    {
        call.Service = "airlock";
        call.Operation = "ListPermissions";
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "answered by Airlock", 200))
        {
            return;
        }

        var statements = policyHolder.Current.StatementsFor(session.Subject, session.Groups, session.Connection, session.Issuer)
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
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["subject"] = session.Subject,
            ["groups"] = session.Groups,
            ["connection"] = session.Connection,
            ["expires"] = StsResponses.Iso(session.ExpiresAt),
            ["evaluation"] = "An explicit Deny wins, then Review, then Allow; anything not allowed is denied.",
            ["statements"] = statements,
        });
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "application/json";
        call.Http.Response.ContentLength = body.Length;
        await call.Http.Response.Body.WriteAsync(body);
    }
}
