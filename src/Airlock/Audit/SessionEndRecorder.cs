using Airlock.Identity;
using Airlock.Storage;

namespace Airlock.Audit;

/// <summary>
/// Writes a session's end into the audit trail as a record of its own: <c>SessionRevoked</c> (by whom is in the
/// revocation's own record) or <c>SessionExpired</c>, within seconds of it, so a replay shows where a session stopped.
/// On a store shared by several nodes, one node at a time sweeps, so each end is recorded once.
/// </summary>
internal sealed partial class SessionEndRecorder(
    ISessionStore sessions, IStateDatabase store, IAuditStore audit, TimeProvider time, ILogger<SessionEndRecorder> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.RunAloneAsync("session-ends", RecordEndsAsync, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is down: the ends stay unrecorded and are written on a later tick.
                LogFailed(logger, e);
            }
        }
    }

    public async Task RecordEndsAsync(CancellationToken cancellationToken)
    {
        foreach (var session in await sessions.UnrecordedEndsAsync(time.GetUtcNow(), cancellationToken))
        {
            var revoked = session.RevokedAt is { } at && at < session.ExpiresAt;
            var endedAt = revoked ? session.RevokedAt!.Value : session.ExpiresAt;
            await audit.AppendAsync(new AuditEntry
            {
                RequestId = RequestIds.Next(),
                Time = endedAt,
                Principal = session.Subject,
                SessionId = session.Id,
                AccessKeyId = session.AccessKeyId,
                Connection = session.Connection,
                Service = "airlock",
                Operation = revoked ? "SessionRevoked" : "SessionExpired",
                Resources = [session.Id],
                Decision = "allow",
                Reason = $"session {(revoked ? "revoked" : "expired")} at {StsResponses.Iso(endedAt)}",
            }, cancellationToken);
            await sessions.MarkEndRecordedAsync(session.Id, time.GetUtcNow(), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record ended sessions; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
