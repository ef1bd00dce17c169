namespace Airlock.Storage;

/// <summary>A store that tells its listeners when something changed on another node (PostgreSQL's LISTEN/NOTIFY).</summary>
internal interface IStateNotifications
{
    /// <summary>
    /// Calls <paramref name="changed"/> with each payload sent on <paramref name="channel"/> until cancelled, reconnecting
    /// after a lost connection; <paramref name="reconnected"/> runs after each (re)connection, when what was sent meanwhile is lost.
    /// </summary>
    Task ListenAsync(string channel, Action<string> changed, Action reconnected, CancellationToken cancellationToken);
}
