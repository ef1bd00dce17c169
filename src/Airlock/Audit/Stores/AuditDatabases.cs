using Airlock.Storage;

namespace Airlock.Audit.Stores;

/// <summary>Opens the audit trail the configuration names: PostgreSQL when <c>audit.postgresql</c> is set, else the SQLite store.</summary>
internal static class AuditDatabases
{
    /// <summary>Connects nothing yet: the writer creates the tables before its first batch, so a database that is down at start only refuses calls until it is up.</summary>
    /// <param name="sessions">Only where the sessions are in the same SQLite store as the trail (<c>GatewayHost</c> decides; <see cref="AuditWriter"/>).</param>
    public static AuditStore Open(
        AuditOptions options, SqliteDatabase store, string baseDirectory, TimeProvider time, ILogger? logger = null, Identity.SessionsVersionWatch? sessions = null)
    {
        IAuditDatabase database = options.Postgresql is { } connectionString ? new PostgresAuditDatabase(connectionString) : new SqliteAuditDatabase(store);
        // Beside the node's own store in either case: the key is the gateway's, not the shared database's.
        return new AuditStore(database, options, options.SigningKeyPath(baseDirectory) ?? store.Beside("audit-signing.key"), time,
            Chain.CheckpointWitness.From(options.Witness, baseDirectory, logger), sessions);
    }
}
