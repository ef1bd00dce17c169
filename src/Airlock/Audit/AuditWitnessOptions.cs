namespace Airlock.Audit;

/// <summary>
/// Where each signed checkpoint is also published, outside the store: whoever can rewrite the store cannot also take
/// back what the witness saw, so a cut tail or deleted checkpoints are named by <c>airlock audit verify --witness</c>.
/// </summary>
internal sealed class AuditWitnessOptions
{
    /// <summary>An append-only file of checkpoints, one JSON object a line (relative to the configuration file); best on another disk or host.</summary>
    public string? File { get; set; }

    /// <summary>An http(s) endpoint that is POSTed each checkpoint as JSON (retried in the background when it fails).</summary>
    public string? Url { get; set; }

    public bool IsConfigured => File is not null || Url is not null;
}
