namespace Airlock.Approvals;

/// <summary>
/// Deciding held calls from Slack: the Approve / Deny buttons on the notification, and the interaction endpoint
/// (<c>/_airlock/slack/interactions</c>) that Slack posts each click to.
/// </summary>
internal sealed class SlackOptions
{
    /// <summary>The environment variable holding the Slack app's signing secret.</summary>
    public string? SigningSecretEnv { get; set; }

    /// <summary>A file holding the Slack app's signing secret (e.g. a mounted Kubernetes secret); trailing whitespace is ignored.</summary>
    public string? SigningSecretFile { get; set; }

    /// <summary>Who each Slack user is: Slack user id (<c>U…</c>) → the principal and groups they decide as. Anyone else is refused.</summary>
    public Dictionary<string, SlackUser> Users { get; set; } = [];

    /// <summary>
    /// Where Airlock may post the updated message (the interaction's <c>response_url</c> must start with this):
    /// Slack's own hooks, so a forged payload cannot make Airlock post elsewhere.
    /// </summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";

    public bool Enabled => SigningSecretEnv is not null || SigningSecretFile is not null;

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            if (Users.Count > 0)
            {
                yield return "approvals.slack: users are given but no signing secret (signingSecretEnv or signingSecretFile).";
            }

            yield break;
        }

        if (SigningSecretEnv is not null && SigningSecretFile is not null)
        {
            yield return "approvals.slack: give signingSecretEnv or signingSecretFile, not both.";
        }

        if (Users.Count == 0)
        {
            yield return "approvals.slack.users: map at least one Slack user id to a principal; nobody else can decide from Slack.";
        }

        foreach (var (id, user) in Users)
        {
            if (string.IsNullOrWhiteSpace(user.Subject))
            {
                yield return $"approvals.slack.users.{id}: give the subject this Slack user decides as.";
            }
        }

        if (!Uri.TryCreate(ResponseUrlPrefix, UriKind.Absolute, out var prefix) || prefix.Scheme is not ("https" or "http"))
        {
            yield return $"approvals.slack.responseUrlPrefix: '{ResponseUrlPrefix}' is not an http(s) URL.";
        }
    }

    /// <summary>The signing secret, read once at start; throws with the setting's name when it is missing.</summary>
    public byte[] ReadSigningSecret(string baseDirectory)
    {
        var secret = SigningSecretEnv is { } name
            ? Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"approvals.slack.signingSecretEnv: ${name} is not set.")
            : ReadFile(Path.Combine(baseDirectory, SigningSecretFile!));
        if (secret.Length == 0)
        {
            throw new InvalidOperationException("approvals.slack: the signing secret is empty.");
        }

        return System.Text.Encoding.UTF8.GetBytes(secret);
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd();
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"approvals.slack.signingSecretFile: {path} cannot be read ({e.GetType().Name}).", e);
        }
    }
}

/// <summary>The principal a Slack user decides as.</summary>
internal sealed class SlackUser
{
    public string Subject { get; set; } = "";
    public List<string> Groups { get; set; } = [];
}
