using Airlock.Storage;

namespace Airlock.Approvals;

/// <summary>
/// On a shared store, wakes a call held on this node as soon as its approval is decided on any node; on the embedded
/// store nothing else decides, and the gate wakes itself. A nudge lost with the connection costs one poll's delay.
/// </summary>
internal sealed partial class ApprovalWakeups(IStateDatabase database, ApprovalGate gate, ILogger<ApprovalWakeups> logger) : BackgroundService
{
    public const string Channel = "airlock_approvals";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        database is IStateNotifications notifications
            ? notifications.ListenAsync(Channel, gate.Wake, () => Log.Listening(logger, database.Description), stoppingToken)
            : Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "listening for approval decisions on {Store}")]
        public static partial void Listening(ILogger logger, string store);
    }
}
