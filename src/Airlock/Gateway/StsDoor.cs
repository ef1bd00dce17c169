using System.Globalization;
using Airlock.Audit;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Identity;

namespace Airlock.Gateway;

/// <summary>
/// STS at the gateway: the one unsigned call, <c>AssumeRoleWithWebIdentity</c>, read as AWS's query protocol and answered
/// with the session <see cref="SessionExchange"/> issues for the OIDC token.
/// </summary>
internal sealed class StsDoor(SessionExchange exchange, BufferedBodyReader bodies, AwsAnswers answers, ILogger<GatewayHandler> logger)
{    private const long MaxUnsignedBodyBytes = 64 * 1024;

    /// <summary>
    /// The STS-compatible door: <c>AssumeRoleWithWebIdentity</c> is the only call Airlock takes unsigned.
    /// It exchanges an OIDC token for session credentials of the connection the RoleArn names.
    /// </summary>
    public async Task ExchangeAsync(CallContext call, SignableRequest head)
    {
        call.Service = "sts";
        if (await ReadAsync(call, head) is not { } parameters)
        {
            return;
        }

        string? Get(string name) => parameters.FirstOrDefault(p => p.Key == name).Value;
        var roleArn = Get("RoleArn")!;
        var token = Get("WebIdentityToken")!;
        var validation = await exchange.ValidateAsync(token, call.Http.RequestAborted);
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
        call.Resources = [roleArn];
        int? duration = int.TryParse(Get("DurationSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        Exchanged exchanged;
        try
        {
            exchanged = await exchange.IssueAsync(identity, token, roleArn, duration, call.Http.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayHandler.Log.SessionStoreFailed(logger, call.RequestId, e);
            await answers.RefuseAsync(call, new AwsError(503, "ServiceUnavailable", "Airlock cannot store the session; try again later."), audited: false);
            return;
        }

        if (exchanged.RevokedUntil is { } until)
        {
            await answers.RefuseAsync(call, AwsError.AccessDenied(
                $"Airlock has revoked {identity.Subject} (or this token) until {StsResponses.Iso(until)}: no new session before then.", json: false), decision: CallDecision.Deny);
            return;
        }

        if (exchanged.Session is not { } session)
        {
            await answers.RefuseAsync(call, AwsError.AccessDenied($"Airlock has no connection named '{exchanged.UnknownConnection}' (from RoleArn {roleArn}).", json: false));
            return;
        }

        call.Session = session;
        call.AccessKeyId = session.AccessKeyId;
        if (!await answers.TryRecordAsync(call, CallDecision.Allow, "session issued", 200))
        {
            return;
        }

        GatewayHandler.Log.SessionIssued(logger, call.RequestId, session.Id, session.Subject, session.Connection);
        await AwsAnswers.WriteXmlAsync(call, StsResponses.AssumeRoleWithWebIdentity(session, roleArn, exchanged.Audience, call.RequestId));
    }

    /// <summary>The call's parameters, read from one place, when it is an <c>AssumeRoleWithWebIdentity</c> with both a role and a token; else null, and refused.</summary>
    private async Task<IReadOnlyList<KeyValuePair<string, string>>?> ReadAsync(CallContext call, SignableRequest head)
    {
        // A Signature Version 2 URL (boto3's S3 presign where no region picks SigV4) says so whatever its method and
        // body: read as an STS call first, a presigned PUT was refused for its query and body both holding parameters.
        if (IsSignatureVersion2(head.Query))
        {
            await answers.RefuseAsync(call, SignatureVersion2());
            return null;
        }

        // STS takes GET and POST at the root; anything else unsigned is a call that should have been signed, and its body
        // is not read. An S3 upload from an HTML form signs its policy, not the request: Airlock cannot check what it writes.
        if (!HttpMethods.IsGet(head.Method) && !HttpMethods.IsPost(head.Method) || head.RawPath != "/")
        {
            await answers.RefuseAsync(call, HttpMethods.IsPost(head.Method) && head.Header("content-type") is { } type
                && type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                    ? new AwsError(400, "InvalidRequest", "Airlock does not take S3 uploads from HTML forms (POST with a signed policy): upload with a presigned PUT URL.")
                    : AwsError.MissingAuthentication());
            return null;
        }

        // Unauthenticated bodies count against the same in-memory budget as every other.
        var read = await bodies.ReadAsync(call.Http.Request, MaxUnsignedBodyBytes, call.Aborted);
        if (read.Refusal is { } refusal)
        {
            await answers.RefuseAsync(call, refusal);
            return null;
        }

        // The same one-place, one-value query shape as every signed query call: no token read from two places.
        var (parameters, _, shape) = RequestShape.QueryPairs(new ResolveRequest(head, "sts", "", read.Body.Length > 0 ? read.Body : null));
        if (shape is not null)
        {
            await answers.RefuseAsync(call, new AwsError(400, "InvalidRequest", $"Airlock reads an STS call from one place: {shape}."));
            return null;
        }

        if (IsSignatureVersion2(parameters))
        {
            await answers.RefuseAsync(call, SignatureVersion2());
            return null;
        }

        string? Get(string name) => parameters.FirstOrDefault(p => p.Key == name).Value;
        if (Get("Action") != "AssumeRoleWithWebIdentity")
        {
            await answers.RefuseAsync(call, AwsError.MissingAuthentication());
            return null;
        }

        call.Operation = "AssumeRoleWithWebIdentity";
        if (string.IsNullOrEmpty(Get("RoleArn")) || string.IsNullOrEmpty(Get("WebIdentityToken")))
        {
            await answers.RefuseAsync(call, new AwsError(400, "MissingParameter", "AssumeRoleWithWebIdentity needs RoleArn and WebIdentityToken."));
            return null;
        }

        return parameters;
    }

    private static bool IsSignatureVersion2(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        parameters.Any(p => p.Key == "AWSAccessKeyId") && parameters.Any(p => p.Key == "Signature");

    private static AwsError SignatureVersion2() =>
        new(400, "InvalidRequest", "Airlock accepts only Signature Version 4; presign with SigV4 (boto3: Config(signature_version='s3v4')).");
}
