namespace Airlock.Upstream;

/// <summary>Reads a connection's upstream credential from where the configuration says it lives.</summary>
internal static class UpstreamCredentialProvider
{
    /// <summary>The credential, or null when it is not there (the call is then refused, fail closed).</summary>
    public static UpstreamCredentials? Resolve(UpstreamCredentialOptions options)
    {
        string? keyId, secret, token;
        switch (options.Source)
        {
            case "environment":
                keyId = Env("AWS_ACCESS_KEY_ID");
                secret = Env("AWS_SECRET_ACCESS_KEY");
                token = Env("AWS_SESSION_TOKEN");
                break;
            case "default":
                // The AWS SDKs' chain, as far as it needs no network: environment, then the shared credentials file.
                return Resolve(new UpstreamCredentialOptions { Source = "environment" })
                    ?? SharedCredentialsFile.Read(
                        DefaultSharedCredentialsFile(),
                        options.Profile ?? Env("AWS_PROFILE") ?? "default");
            case "profile":
                return SharedCredentialsFile.Read(
                    options.SharedCredentialsFile ?? DefaultSharedCredentialsFile(),
                    options.Profile ?? "default");
            case "static":
                keyId = Env(options.AccessKeyIdEnv);
                secret = Env(options.SecretAccessKeyEnv);
                token = Env(options.SessionTokenEnv);
                break;
            case "file":
                keyId = ReadFile(options.AccessKeyIdFile);
                secret = ReadFile(options.SecretAccessKeyFile);
                token = ReadFile(options.SessionTokenFile);
                break;
            default:
                return null;
        }

        return string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret) ? null : new UpstreamCredentials(keyId, secret, token);
    }

    private static string DefaultSharedCredentialsFile() =>
        Env("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");

    private static string? Env(string? name) => name is null ? null : Environment.GetEnvironmentVariable(name)?.Trim();

    private static string? ReadFile(string? path) => path is null ? null : CredentialFiles.Read(path, null, static (text, _) => text.Trim());
}
