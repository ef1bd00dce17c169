namespace Airlock.Upstream;

/// <summary>Reads one profile of an AWS shared credentials file (<c>~/.aws/credentials</c>, INI).</summary>
internal static class SharedCredentialsFile
{
    public static UpstreamCredentials? Read(string path, string profile) =>
        CredentialFiles.Read(path, profile, static (text, profile) => Parse(text, profile!));

    private static UpstreamCredentials? Parse(string text, string profile)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inProfile = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                inProfile = string.Equals(line[1..^1].Trim(), profile, StringComparison.Ordinal);
                continue;
            }

            var eq = line.IndexOf('=');
            if (inProfile && eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return values.TryGetValue("aws_access_key_id", out var keyId) && values.TryGetValue("aws_secret_access_key", out var secret)
            && keyId.Length > 0 && secret.Length > 0
            ? new UpstreamCredentials(keyId, secret, values.GetValueOrDefault("aws_session_token"))
            : null;
    }
}
