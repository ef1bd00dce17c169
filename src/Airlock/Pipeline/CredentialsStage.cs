using Airlock.Identity;
using Airlock.Upstream;

namespace Airlock.Pipeline;

/// <summary>The upstream credential of the session's connection: a role assumed for the session, or the configured keys.</summary>
internal sealed class CredentialsStage(Connections connections, AssumeRoleCredentials assumedRoles)
{
    public readonly record struct Obtained(ConnectionOptions? Connection, UpstreamCredentials? Credentials, Refusal? Refused);

    public async Task<Obtained> RunAsync(Session session, CancellationToken cancellationToken)
    {
        var connection = connections.Find(session.Connection);
        var credentials = connection is null ? null
            : connection.Credentials.Source == "assume_role" ? await assumedRoles.GetAsync(connection, session, cancellationToken)
            : UpstreamCredentialProvider.Resolve(connection.Credentials);
        return connection is null || credentials is null
            ? new Obtained(null, null, new Refusal(RefusalKind.NoUpstreamCredential,
                $"Airlock has no upstream credential for connection '{session.Connection}'; the call was not sent."))
            : new Obtained(connection, credentials, null);
    }
}
