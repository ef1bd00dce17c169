namespace Airlock.Audit;

/// <summary>How the audit log is written and sealed.</summary>
internal sealed class AuditOptions
{
    /// <summary>The Ed25519 key that signs checkpoints; relative to the configuration file. Default: <c>audit-signing.key</c> beside the store.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The signing key file as configured, resolved against the configuration's folder; null for the default.</summary>
    public string? SigningKeyPath(string baseDirectory) => SigningKeyFile is { } file ? Path.Combine(baseDirectory, file) : null;

    /// <summary>A signed checkpoint after this many records…</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>…or after this many seconds, whichever comes first (and when the gateway stops).</summary>
    public int CheckpointSeconds { get; set; } = 60;

    /// <summary>Records waiting to be written; when it is full new calls are refused rather than left unrecorded.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Groups whose members may read the trail over HTTP (<c>/_airlock/api/audit</c>, session replays). None by default.</summary>
    public List<string> Readers { get; set; } = [];

    /// <summary>
    /// An Npgsql connection string: the trail goes to this PostgreSQL database, which several gateway nodes can share
    /// (one chain, appended under an advisory lock), instead of the SQLite store. A password may come from <c>PGPASSWORD</c>.
    /// </summary>
    public string? Postgresql { get; set; }

    /// <summary>How many bytes of a buffered request body (json, query, xml; never S3 object data) a record keeps, through the detectors. 0: none.</summary>
    public int RequestBodyBytes { get; set; } = 4096;

    /// <summary>Where each signed checkpoint is published besides the store (a file, a URL, or both). None by default.</summary>
    public AuditWitnessOptions Witness { get; set; } = new();

    /// <summary>The most records written in one transaction.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>
    /// How long records are kept, in days: older ones are pruned as <c>airlock audit prune</c> would, by one node at a
    /// time across the nodes sharing the store. Kept forever when unset.
    /// </summary>
    public double? RetentionDays { get; set; }
}
