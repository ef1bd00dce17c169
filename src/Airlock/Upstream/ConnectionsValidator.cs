namespace Airlock.Upstream;

/// <summary>Every error in the <c>connections</c> section, each with its place.</summary>
internal static class ConnectionsValidator
{
    public static IEnumerable<string> Validate(IReadOnlyList<ConnectionOptions> connections)
    {
        if (connections.Count == 0)
        {
            yield return "connections: at least one connection is needed.";
        }

        for (var i = 0; i < connections.Count; i++)
        {
            var connection = connections[i];
            if (string.IsNullOrWhiteSpace(connection.Name) || connection.Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
            {
                yield return $"connections[{i}].name: '{connection.Name}' must be letters, digits, '-' or '_'.";
            }
            else if (connections.Count(c => c.Name == connection.Name) > 1)
            {
                yield return $"connections[{i}].name: '{connection.Name}' is used twice.";
            }

            if (connection.Endpoint is not null && !Uri.TryCreate(connection.Endpoint, UriKind.Absolute, out _))
            {
                yield return $"connections[{i}].endpoint: '{connection.Endpoint}' is not a URL.";
            }

            foreach (var error in CredentialErrors(connection.Credentials, $"connections[{i}].credentials"))
            {
                yield return error;
            }
        }
    }

    private static IEnumerable<string> CredentialErrors(UpstreamCredentialOptions credentials, string at)
    {
        var source = credentials.Source;
        if (source == "assume_role")
        {
            if (credentials.RoleArn is null || !credentials.RoleArn.StartsWith("arn:", StringComparison.Ordinal))
            {
                yield return $"{at}.roleArn: assume_role needs the ARN of the role to assume.";
            }

            if (credentials.Base is null || credentials.Base.Source == "assume_role")
            {
                yield return $"{at}.base: assume_role needs the credential to call STS with (environment, static, file, profile or default).";
            }

            if (credentials.DurationSeconds is < 900 or > 43200)
            {
                yield return $"{at}.durationSeconds: between 900 and 43200.";
            }
        }
        else if (source is not ("environment" or "static" or "file" or "profile" or "default"))
        {
            yield return $"{at}.source: '{source}' must be environment, static, file, profile, default or assume_role.";
        }
        else if (source == "static" && (credentials.AccessKeyIdEnv is null || credentials.SecretAccessKeyEnv is null))
        {
            yield return $"{at}: 'static' needs accessKeyIdEnv and secretAccessKeyEnv.";
        }
        else if (source == "file" && (credentials.AccessKeyIdFile is null || credentials.SecretAccessKeyFile is null))
        {
            yield return $"{at}: 'file' needs accessKeyIdFile and secretAccessKeyFile.";
        }
    }
}
