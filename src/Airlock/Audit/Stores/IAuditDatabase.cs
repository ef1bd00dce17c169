using System.Data.Common;

namespace Airlock.Audit.Stores;

/// <summary>
/// Where the audit trail lives: the embedded SQLite store or a shared PostgreSQL database. Everything else about
/// the trail (chain, checkpoints, search, verify, prune) is the same SQL on either; this is what differs.
/// </summary>
internal interface IAuditDatabase
{
    /// <summary>For messages: which store, never its password.</summary>
    string Description { get; }

    /// <summary>Creates the audit tables when missing; safe for several processes at once.</summary>
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A transaction that alone may append to the log until it ends, however many gateways write, so there is one
    /// chain; what it commits is durable (fsynced) when the commit returns.
    /// </summary>
    Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// An SQL expression that, inside an append transaction, reserves as many consecutive audit row ids as the
    /// parameter <paramref name="count"/> says and is the first of them (read with the chain's tail: one round trip).
    /// </summary>
    string ReserveIds(string count);

    /// <summary>A read-only transaction that sees one snapshot for all its reads.</summary>
    Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>SQL that is true when <paramref name="column"/> holds the text of <paramref name="parameter"/>.</summary>
    string Contains(string column, string parameter);
}
