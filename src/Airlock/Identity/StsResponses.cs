using System.Globalization;
using System.Security;

namespace Airlock.Identity;

/// <summary>STS's XML responses for the operations the gateway answers itself.</summary>
internal static class StsResponses
{
    private const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public static string AssumeRoleWithWebIdentity(Session session, string roleArn, string audience, string requestId) => $"""
        <AssumeRoleWithWebIdentityResponse xmlns="{Namespace}">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>{X(session.Subject)}</SubjectFromWebIdentityToken>
            <Audience>{X(audience)}</Audience>
            <AssumedRoleUser>
              <Arn>{X(roleArn)}/{X(session.Subject)}</Arn>
              <AssumedRoleId>{session.Id}:{X(session.Subject)}</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>{session.AccessKeyId}</AccessKeyId>
              <SecretAccessKey>{session.SecretAccessKey}</SecretAccessKey>
              <SessionToken>{session.SessionToken}</SessionToken>
              <Expiration>{Iso(session.ExpiresAt)}</Expiration>
            </Credentials>
            <Provider>{X(session.Issuer)}</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """;

    public static string GetCallerIdentity(Session session, string accountId, string requestId) => $"""
        <GetCallerIdentityResponse xmlns="{Namespace}">
          <GetCallerIdentityResult>
            <Arn>{X(CallerArn(session, accountId))}</Arn>
            <UserId>{session.Id}:{X(session.Subject)}</UserId>
            <Account>{X(accountId)}</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata>
        </GetCallerIdentityResponse>
        """;

    /// <summary>The identity a session has at AWS's door: its connection's role, named after the caller.</summary>
    public static string CallerArn(Session session, string accountId) =>
        $"arn:aws:sts::{accountId}:assumed-role/airlock-{session.Connection}/{session.Subject}";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string X(string text) => SecurityElement.Escape(text);
}
