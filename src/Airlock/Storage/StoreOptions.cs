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
}
