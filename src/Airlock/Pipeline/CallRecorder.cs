using Airlock.Audit;
using Airlock.Telemetry;

namespace Airlock.Pipeline;

/// <summary>Writes a call's records: its decision before it runs, how it ended, and any refusal.</summary>
internal sealed partial class CallRecorder(IAuditStore audit, CallMeter meter, TimeProvider time, ILogger<CallRecorder> logger)
{
    /// <summary>
    /// Makes the call's decision durable; throws (or faults) when the store cannot take it. The decision is counted once
    /// it is durable, as the trail holds it: a call whose session was revoked before the commit is recorded, and counted,
    /// as refused; a record the store did not take is counted by <see cref="Unrecorded"/> instead.
    /// </summary>
    public async Task<long> RecordAsync(Call call, CallDecision decision, string? reason, int? status = null)
    {
        try
        {
            var id = await audit.AppendAsync(call.ToAudit(decision, reason, time.GetUtcNow(), status), call.Aborted);
            Count(call, decision);
            return id;
        }
        catch (SessionRevokedException)
        {
            Count(call, CallDecision.Refuse);
            throw;
        }
    }

    /// <summary>Records a refusal, as far as the store allows: the caller is refused either way.</summary>
    public async Task RecordRefusalAsync(Call call, CallDecision decision, string reason)
    {
        Count(call, decision);
        try
        {
            await audit.AppendAsync(call.ToAudit(decision, reason, time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.RecordFailed(logger, call.RequestId, e);
        }
    }

    /// <summary>The record could not be written: the call is refused, and only the log says why.</summary>
    public void Unrecorded(Call call, Exception cause)
    {
        AuditMetrics.Unrecorded.Inc();
        Log.RecordFailed(logger, call.RequestId, cause);
    }

    private void Count(Call call, CallDecision decision)
    {
        meter.Decided(call.FrontEnd, call.Session?.Connection ?? "", call.Service ?? "", call.Operation ?? "", decision.Wire());
        CallTracing.Decided(decision.Wire());
    }

    /// <summary>
    /// Queues the call's outcome and returns: only the decision has to be durable before a call goes upstream, so the
    /// caller's connection does not wait for a second commit. The writer drains its queue when the gateway stops.
    /// </summary>
    public void Complete(Call call, long id, int? status, string? failure, Executed? executed = null)
    {
        var requestId = call.RequestId;
        if (executed is not null)
        {
            Measure(call, status, executed);
            CallTracing.Answered(status, executed.UpstreamRequestId);
        }

        audit.CompleteAsync(id, new AuditCompletion(status, call.ElapsedMs, failure)
        {
            Masked = executed?.Masked ?? [],
            Response = executed?.RecordedResponse,
            UpstreamRequestId = executed?.UpstreamRequestId,
            Timings = call.Timings,
        }, CancellationToken.None).ContinueWith(
            // The decision is already durable; a lost completion leaves the record without its status.
            written => Log.RecordFailed(logger, requestId, written.Exception!.GetBaseException()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>A call that ran: its whole time, and the upstream's part (to its headers, then the response's relay).</summary>
    private void Measure(Call call, int? status, Executed executed)
    {
        var upstream = call.Timings.GetValueOrDefault("upstream") + call.Timings.GetValueOrDefault("response");
        meter.Ran(call.FrontEnd, call.Session?.Connection ?? "", call.Service ?? "", status, call.ElapsedMs / 1000, upstream / 1000, executed.Masked);
    }

    private static partial class Log
    {
        // Event id and text as the gateway logged them before the pipeline had its own recorder: log pipelines keep matching.
        [LoggerMessage(3, LogLevel.Error, "{RequestId} the audit store did not take the record; the call is refused")]
        public static partial void RecordFailed(ILogger logger, string requestId, Exception exception);
    }
}
