namespace Airlock.Upstream;

/// <summary>An AWS account (or emulator) that callers reach through Airlock, and the credential Airlock uses there.</summary>
internal sealed class ConnectionOptions
{
    public string Name { get; set; } = "";

    /// <summary>The region printed to agents and used when building AWS endpoints.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The account id STS GetCallerIdentity reports for sessions of this connection.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Sends every call here instead of the public AWS endpoint (emulators, VPC endpoints).</summary>
    public string? Endpoint { get; set; }

    public UpstreamCredentialOptions Credentials { get; set; } = new();
}

/// <summary>Where the upstream credential comes from. Never from the caller.</summary>
internal sealed class UpstreamCredentialOptions
{
    /// <summary>
    /// <c>environment</c> (the AWS_* variables), <c>static</c> (named variables), <c>file</c> (one value per file),
    /// <c>profile</c> (a shared credentials file), <c>default</c> (environment, then the shared credentials file)
    /// or <c>assume_role</c> (temporary credentials per session from STS AssumeRole, made with <see cref="Base"/>).
    /// </summary>
    public string Source { get; set; } = "environment";

    /// <summary>The profile in the shared credentials file (<c>profile</c>, <c>default</c>).</summary>
    public string? Profile { get; set; }

    /// <summary>The shared credentials file (<c>profile</c>); default $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.</summary>
    public string? SharedCredentialsFile { get; set; }

    /// <summary>
    /// <c>assume_role</c>: the role Airlock assumes for each session, with a session policy cut down to
    /// what the caller's Airlock policy allows, so AWS itself bounds what the session can do.
    /// </summary>
    public string? RoleArn { get; set; }

    /// <summary><c>assume_role</c>: the lifetime of the role's credentials, in seconds (900 to 43200).</summary>
    public int DurationSeconds { get; set; } = 900;

    public string? ExternalId { get; set; }

    /// <summary><c>assume_role</c>: the credential Airlock calls STS AssumeRole with.</summary>
    public UpstreamCredentialOptions? Base { get; set; }

    public string? AccessKeyIdEnv { get; set; }
    public string? SecretAccessKeyEnv { get; set; }
    public string? SessionTokenEnv { get; set; }
    public string? AccessKeyIdFile { get; set; }
    public string? SecretAccessKeyFile { get; set; }
    public string? SessionTokenFile { get; set; }
}
