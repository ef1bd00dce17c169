namespace Airlock.Gateway;

internal sealed partial class GatewayHandler
{
    internal static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{RequestId} {Principal} {Connection} {Action} {Decision} upstream={Status} {LatencyMs:F1}ms payload={Payload}")]
        public static partial void CallCompleted(ILogger logger, string requestId, string? principal, string? connection, string action,
            string decision, int? status, double latencyMs, string payload);

        [LoggerMessage(2, LogLevel.Warning, "{RequestId} refused ({Code}): {Reason}")]
        public static partial void CallRefused(ILogger logger, string requestId, string code, string reason);

        [LoggerMessage(3, LogLevel.Error, "{RequestId} the audit store did not take the record; the call is refused")]
        public static partial void AuditFailed(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(4, LogLevel.Error, "{RequestId} the session store could not be read; the call is refused")]
        public static partial void SessionStoreFailed(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "{RequestId} failed unexpectedly; the call was refused and nothing was sent upstream")]
        public static partial void CallFailed(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(5, LogLevel.Information, "{RequestId} session {SessionId} issued to {Subject} for connection {Connection}")]
        public static partial void SessionIssued(ILogger logger, string requestId, string sessionId, string subject, string connection);
    }
}
