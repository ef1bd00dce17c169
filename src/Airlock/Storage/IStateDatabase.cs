using System.Data.Common;

namespace Airlock.Storage;

/// <summary>
/// Where a node keeps what it shares with the others: sessions, revocations, approvals and grants. The embedded SQLite
/// file (one node) or PostgreSQL (any number). The stores write one SQL for both: <c>@name</c> parameters, times as
/// fixed-width UTC text (<see cref="StoreTime"/>), <c>ON CONFLICT</c> upserts.
/// </summary>
internal interface IStateDatabase
{
    /// <summary>Where it is, for messages: a file, or PostgreSQL's host, port and database.</summary>
    string Description { get; }

    /// <summary>What a read that locks the rows it reads until the transaction ends appends (PostgreSQL); SQLite locks the whole file on write.</summary>
    string ForUpdate { get; }

    /// <summary>
    /// What a read that claims rows for one node appends: PostgreSQL locks them and skips those another node has
    /// locked; SQLite has one writer at a time.
    /// </summary>
    string SkipLocked { get; }

    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Whether a write would be taken now: SQLite's write lock can be had; PostgreSQL is a primary, not a standby.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);

    /// <summary>A read the data path runs on every call, kept ready; its SQL takes at most one parameter, <c>@key</c>.</summary>
    IHotQuery Hot(string sql);

    /// <summary>
    /// Runs periodic work on one node at a time across every node sharing the store (PostgreSQL: an advisory lock held
    /// for the run); false, without running it, when another node is running it now.
    /// </summary>
    Task<bool> RunAloneAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken);
}

/// <summary>A read the data path runs on every call.</summary>
internal interface IHotQuery : IDisposable
{
    ValueTask<T> RunAsync<T>(string? key, Func<DbDataReader, T> read, CancellationToken cancellationToken);
}
