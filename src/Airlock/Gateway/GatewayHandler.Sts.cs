using System.Globalization;
using System.Text;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Identity;

namespace Airlock.Gateway;

internal sealed partial class GatewayHandler
{
    private const long MaxUnsignedBodyBytes = 64 * 1024;

    /// <summary>
    /// The STS-compatible door: <c>AssumeRoleWithWebIdentity</c> is the only call Airlock takes unsigned.
    /// It exchanges an OIDC token for session credentials of the connection the RoleArn names.
    /// </summary>
    private async Task HandleUnsignedAsync(CallContext call, SignableRequest head)
    {
        call.Service = "sts";
        // Unauthenticated bodies count against the same in-memory budget as every other.
        var read = await bodies.ReadAsync(call.Http.Request, MaxUnsignedBodyBytes, call.Aborted);
        if (read.Refusal is { } refusal)
        {
            await RefuseAsync(call, refusal);
            return;
        }

        // The same one-place, one-value query shape as every signed query call: no token read from two places.
        var (parameters, _, shape) = RequestShape.QueryPairs(new ResolveRequest(head, "sts", "", read.Body.Length > 0 ? read.Body : null));
        if (shape is not null)
        {
            await RefuseAsync(call, new AwsError(400, "InvalidRequest", $"Airlock reads an STS call from one place: {shape}."));
            return;
        }

        string? Get(string name) => parameters.FirstOrDefault(p => p.Key == name).Value;
        if (Get("AWSAccessKeyId") is not null && Get("Signature") is not null)
        {
            await RefuseAsync(call, new AwsError(400, "InvalidRequest", "Airlock accepts only Signature Version 4; presign with SigV4 (boto3: Config(signature_version='s3v4'))."));
            return;
        }

        if (Get("Action") != "AssumeRoleWithWebIdentity")
        {
            await RefuseAsync(call, AwsError.MissingAuthentication());
            return;
        }

        call.Operation = "AssumeRoleWithWebIdentity";
        var roleArn = Get("RoleArn");
        var token = Get("WebIdentityToken");
        if (string.IsNullOrEmpty(roleArn) || string.IsNullOrEmpty(token))
        {
            await RefuseAsync(call, new AwsError(400, "MissingParameter", "AssumeRoleWithWebIdentity needs RoleArn and WebIdentityToken."));
            return;
        }

        var validation = await tokens.ValidateAsync(token, call.Http.RequestAborted);
        if (validation.Identity is not { } identity)
        {
            await RefuseAsync(call, new AwsError(400, validation.Expired ? "ExpiredTokenException" : "InvalidIdentityToken", validation.Error!));
            return;
        }

        call.Principal = identity.Subject;
        // The claims that decided the session: never the token itself.
        call.Parameters = new Dictionary<string, string>
        {
            ["RoleArn"] = roleArn,
            ["RoleSessionName"] = Get("RoleSessionName") ?? "",
            ["DurationSeconds"] = Get("DurationSeconds") ?? "",
            ["Issuer"] = identity.Issuer,
            ["Groups"] = string.Join(',', identity.Groups),
            ["TokenExpiresAt"] = StsResponses.Iso(identity.ExpiresAt),
        };
        var connection = SessionIssuer.ConnectionFromRoleArn(roleArn);
        call.Resources = [roleArn];
        int? duration = int.TryParse(Get("DurationSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        var from = new IssuedFrom(SigV4Primitives.Sha256Hex(token), identity.ExpiresAt);
        Session? session;
        try
        {
            if (await sessions.RevokedUntilAsync(identity.Subject, from.TokenHash, time.GetUtcNow(), call.Http.RequestAborted) is { } until)
            {
                await RefuseAsync(call, AwsError.AccessDenied(
                    $"Airlock has revoked {identity.Subject} (or this token) until {StsResponses.Iso(until)}: no new session before then.", json: false), decision: "deny");
                return;
            }

            session = await issuer.IssueAsync(identity, connection, duration, call.Http.RequestAborted, from);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SessionStoreFailed(logger, call.RequestId, e);
            await RefuseAsync(call, new AwsError(503, "ServiceUnavailable", "Airlock cannot store the session; try again later."), audited: false);
            return;
        }

        if (session is null)
        {
            await RefuseAsync(call, AwsError.AccessDenied($"Airlock has no connection named '{connection}' (from RoleArn {roleArn}).", json: false));
            return;
        }

        call.Session = session;
        call.AccessKeyId = session.AccessKeyId;
        if (!await TryAuditAsync(call, "allow", "session issued", 200))
        {
            return;
        }

        Log.SessionIssued(logger, call.RequestId, session.Id, session.Subject, session.Connection);
        var audience = string.Join(',', tokens.AudiencesOf(identity.Issuer));
        await WriteXmlAsync(call, StsResponses.AssumeRoleWithWebIdentity(session, roleArn, audience, call.RequestId));
    }

    /// <summary>Answers <c>sts:GetCallerIdentity</c> for the session itself: who the caller is at Airlock.</summary>
    private async Task AnswerCallerIdentityAsync(CallContext call, Session session)
    {
        if (!await TryAuditAsync(call, "allow", "answered by Airlock", 200))
        {
            return;
        }

        var account = connections.Find(session.Connection)?.AccountId ?? "000000000000";
        await WriteXmlAsync(call, StsResponses.GetCallerIdentity(session, account, call.RequestId));
    }

    private async Task<bool> TryAuditAsync(CallContext call, string decision, string reason, int status)
    {
        try
        {
            await recorder.RecordAsync(call, decision, reason, status);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RefuseUnrecordedAsync(call, e);
            return false;
        }
    }

    private static Task WriteXmlAsync(CallContext call, string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "text/xml";
        call.Http.Response.ContentLength = bytes.Length;
        call.Http.Response.Headers["x-amzn-RequestId"] = call.RequestId;
        return call.Http.Response.Body.WriteAsync(bytes).AsTask();
    }
}
