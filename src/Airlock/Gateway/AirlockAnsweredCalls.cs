using Airlock.Audit;
using Airlock.Identity;
using Airlock.Policy;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// Signed calls Airlock answers itself, recorded like any other and never sent upstream: <c>sts:GetCallerIdentity</c>
/// (who the caller is at Airlock) and <c>GET /_airlock/permissions</c> (what it may call, before it tries).
/// </summary>
internal sealed class AirlockAnsweredCalls(PolicyHolder policy, Connections connections, AwsAnswers answers)
{
    public const string PermissionsPath = "/_airlock/permissions";

    public async Task CallerIdentityAsync(CallContext call, Session session)
    {
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "answered by Airlock", 200))
        {
            return;
        }

        var account = connections.Find(session.Connection)?.AccountId ?? "000000000000";
        await AwsAnswers.WriteXmlAsync(call, StsResponses.GetCallerIdentity(session, account, call.RequestId));
    }

    public async Task PermissionsAsync(CallContext call, Session session)
    {
        call.Service = "airlock";
        call.Operation = "ListPermissions";
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "answered by Airlock", 200))
        {
            return;
        }

        var body = PermissionsDocument.For(policy.Current, session);
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "application/json";
        call.Http.Response.ContentLength = body.Length;
        await call.Http.Response.Body.WriteAsync(body);
    }
}
