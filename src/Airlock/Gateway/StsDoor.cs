using System.Globalization;
using Airlock.Audit;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Identity;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// STS at the gateway: the one unsigned call (<c>AssumeRoleWithWebIdentity</c>, an OIDC token exchanged for session
/// credentials), and <c>GetCallerIdentity</c>, answered for the session itself without going upstream.
/// </summary>
internal sealed class StsDoor(
    SessionIssuer issuer, TokenValidator tokens, ISessionStore sessions, Connections connections, BufferedBodyReader bodies, AwsAnswers answers,
    TimeProvider time, ILogger<StsDoor> logger)
{
    private const long MaxUnsignedBodyBytes = 64 * 1024;

    /// <summary>
    /// The STS-compatible door: <c>AssumeRoleWithWebIdentity</c> is the only call Airlock takes unsigned.
    /// It exchanges an OIDC token for session credentials of the connection the RoleArn names.
    /// </summary>
    public async Task ExchangeAsync(CallContext call, SignableRequest head)
    {
        call.Service = "sts";
        // Unauthenticated bodies count against the same in-memory budget as every other.
        var read = await bodies.ReadAsync(call.Http.Request, MaxUnsignedBodyBytes, call.Aborted);
        if (read.Refusal is { } refusal)
        {
            await answers.RefuseAsync(call, refusal);
            return;
        }

        // The same one-place, one-value query shape as every signed query call: no token read from two places.
        var (parameters, _, shape) = RequestShape.QueryPairs(new ResolveRequest(head, "sts", "", read.Body.Length > 0 ? read.Body : null));
        if (shape is not null)
        {
            await answers.RefuseAsync(call, new AwsError(400, "InvalidRequest", $"Airlock reads an STS call from one place: {shape}."));
            return;
        }

        string? Get(string name) => parameters.FirstOrDefault(p => p.Key == name).Value;
        if (Get("AWSAccessKeyId") is not null && Get("Signature") is not null)
        {
            await answers.RefuseAsync(call, new AwsError(400, "InvalidRequest", "Airlock accepts only Signature Version 4; presign with SigV4 (boto3: Config(signature_version='s3v4'))."));
            return;
        }

        if (Get("Action") != "AssumeRoleWithWebIdentity")
        {
            await answers.RefuseAsync(call, AwsError.MissingAuthentication());
            return;
        }

        call.Operation = "AssumeRoleWithWebIdentity";
        var roleArn = Get("RoleArn");
        var token = Get("WebIdentityToken");
        if (string.IsNullOrEmpty(roleArn) || string.IsNullOrEmpty(token))
        {
            await answers.RefuseAsync(call, new AwsError(400, "MissingParameter", "AssumeRoleWithWebIdentity needs RoleArn and WebIdentityToken."));
            return;
        }

        var validation = await tokens.ValidateAsync(token, call.Http.RequestAborted);
        if (validation.Identity is not { } identity)
        {
            await answers.RefuseAsync(call, new AwsError(400, validation.Expired ? "ExpiredTokenException" : "InvalidIdentityToken", validation.Error!));
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
                await answers.RefuseAsync(call, AwsError.AccessDenied(
                    $"Airlock has revoked {identity.Subject} (or this token) until {StsResponses.Iso(until)}: no new session before then.", json: false), decision: CallDecision.Deny);
                return;
            }

            session = await issuer.IssueAsync(identity, connection, duration, call.Http.RequestAborted, from);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayHandler.Log.SessionStoreFailed(logger, call.RequestId, e);
            await answers.RefuseAsync(call, new AwsError(503, "ServiceUnavailable", "Airlock cannot store the session; try again later."), audited: false);
            return;
        }

        if (session is null)
        {
            await answers.RefuseAsync(call, AwsError.AccessDenied($"Airlock has no connection named '{connection}' (from RoleArn {roleArn}).", json: false));
            return;
        }

        call.Session = session;
        call.AccessKeyId = session.AccessKeyId;
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "session issued", 200))
        {
            return;
        }

        GatewayHandler.Log.SessionIssued(logger, call.RequestId, session.Id, session.Subject, session.Connection);
        var audience = string.Join(',', tokens.AudiencesOf(identity.Issuer));
        await AwsAnswers.WriteXmlAsync(call, StsResponses.AssumeRoleWithWebIdentity(session, roleArn, audience, call.RequestId));
    }

    /// <summary>Answers <c>sts:GetCallerIdentity</c> for the session itself: who the caller is at Airlock.</summary>
    public async Task AnswerCallerIdentityAsync(CallContext call, Session session)
    {
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "answered by Airlock", 200))
        {
            return;
        }

        var account = connections.Find(session.Connection)?.AccountId ?? "000000000000";
        await AwsAnswers.WriteXmlAsync(call, StsResponses.GetCallerIdentity(session, account, call.RequestId));
    }
}
