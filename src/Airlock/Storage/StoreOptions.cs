namespace Airlock.Storage;

/// <summary>The <c>store</c> section: where sessions, revocations, approvals and grants live.</summary>
internal sealed class StoreOptions
{
    /// <summary>
    /// The SQLite file (the default, for one node); relative paths are taken from the configuration file's folder. With
    /// <see cref="Postgresql"/> it is not used for state, and its folder still holds the node's own keys.
    /// </summary>
    public string Path { get; set; } = "airlock-data/airlock.db";

    /// <summary>
    /// An Npgsql connection string: every node given the same one shares sessions, approvals, grants and (unless
    /// <c>audit.postgresql</c> names another) the audit trail.
    /// </summary>
    public string? Postgresql { get; set; }

    /// <summary>
    /// The 32-byte key that seals session secrets at rest (AES-256-GCM); relative to the configuration file's folder.
    /// Default: <c>secret.key</c> beside the SQLite file, created on first use. Nodes sharing a PostgreSQL store must
    /// share it.
    /// </summary>
    public string? SecretKeyFile { get; set; }

    /// <summary>Instead of a file: the name of an environment variable holding the key, base64.</summary>
    public string? SecretKeyEnv { get; set; }

    /// <summary>Keys from before a rotation: they still open what they sealed; nothing new is sealed with them.</summary>
    public List<string> PreviousSecretKeyFiles { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "store.path: must name the SQLite file.";
        }

        if (Postgresql is not null && SecretKeyFile is null && SecretKeyEnv is null)
        {
            yield return "store.secretKeyFile: nodes sharing a PostgreSQL store must share the key that seals session secrets; name a file (or store.secretKeyEnv) every node reads.";
        }

        if (SecretKeyEnv is { } name && Environment.GetEnvironmentVariable(name) is not { } value)
        {
            yield return $"store.secretKeyEnv: the environment variable {name} is not set.";
        }
        else if (SecretKeyEnv is { } set && !IsKey(Environment.GetEnvironmentVariable(set)!))
        {
            yield return $"store.secretKeyEnv: {set} must hold 32 bytes, base64.";
        }
    }

    private static bool IsKey(string base64)
    {
        Span<byte> key = stackalloc byte[48];
        return Convert.TryFromBase64String(base64, key, out var length) && length == 32;
    }
}
