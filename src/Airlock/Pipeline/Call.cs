using System.Diagnostics;
using Airlock.Audit;
using Airlock.Identity;

namespace Airlock.Pipeline;

/// <summary>
/// One call, whatever front end it came through: who makes it, what it does and to what, what was decided, and how
/// long each stage took. Policy, grants, approvals and the audit trail see only this; it becomes the call's record.
/// </summary>
/// <param name="frontEnd">The door it came through (<c>aws-api</c>), for metrics and traces.</param>
/// <param name="origin">Where the call came from and what the caller sent, as its record keeps it.</param>
/// <param name="aborted">Signalled when the caller goes away.</param>
internal class Call(string frontEnd, CallOrigin origin, CancellationToken aborted)
{
    public string FrontEnd { get; } = frontEnd;

    public long StartedAt { get; } = Stopwatch.GetTimestamp();
    public string RequestId { get; } = RequestIds.Next();
    /// <summary>Where the call came from, as recorded: its path loses what the model marks sensitive once the call is understood.</summary>
    public CallOrigin Origin { get; set; } = origin;
    public CancellationToken Aborted { get; } = aborted;

    /// <summary>The wire protocol the call speaks, which refusals must use too.</summary>
    public string Protocol { get; set; } = "query";
    public string? AccessKeyId { get; set; }
    public Session? Session { get; set; }

    /// <summary>The sessions' change counter <see cref="Session"/> was current for, where the store told it.</summary>
    public long? SessionsVersion { get; set; }

    public string? Principal { get; set; }
    public string? Service { get; set; }
    public string? Operation { get; set; }

    /// <summary>Everything the call touches, as its record lists it (a copy's source and each key deleted too).</summary>
    public IReadOnlyList<string> Resources { get; set; } = [];

    /// <summary>The operation's name in policy (<c>s3:ListObjectsV2</c>).</summary>
    public string? Action { get; set; }
    public string? Region { get; set; }

    /// <summary>The parameters the record keeps: masked, cut, without sensitive members.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; set; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();
    public string? RequestBody { get; set; }

    /// <summary>Set once the call is on its way upstream: from then on a failure must not be answered as if nothing ran.</summary>
    public bool SentUpstream { get; set; }

    /// <summary>Milliseconds per stage, in the order the call went through them.</summary>
    public Dictionary<string, double> Timings { get; } = [];

    private long _stageStartedAt = Stopwatch.GetTimestamp();

    public double ElapsedMs => Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds;

    /// <summary>Ends the current stage under <paramref name="stage"/>; the next starts now.</summary>
    public void Mark(string stage, long? at = null)
    {
        var now = at ?? Stopwatch.GetTimestamp();
        Timings[stage] = Math.Round(Stopwatch.GetElapsedTime(_stageStartedAt, now).TotalMilliseconds, 3);
        _stageStartedAt = now;
    }

    public AuditEntry ToAudit(CallDecision decision, string? reason, DateTimeOffset now, int? upstreamStatus = null) => new()
    {
        RequestId = RequestId,
        Time = now,
        Principal = Session?.Subject ?? Principal,
        SessionId = Session?.Id,
        SessionsVersion = SessionsVersion,
        AccessKeyId = AccessKeyId,
        Connection = Session?.Connection,
        Service = Service,
        Operation = Operation,
        Resources = Resources,
        Action = Action,
        Region = Region,
        Parameters = Parameters,
        Decision = decision.Wire(),
        Reason = reason,
        ClientIp = Origin.ClientIp,
        UpstreamStatus = upstreamStatus,
        LatencyMs = ElapsedMs,
        Method = Origin.Method,
        Path = Origin.Path,
        NormalizedPath = Origin.NormalizedPath,
        UserAgent = Origin.UserAgent,
        Headers = Headers,
        RequestBody = RequestBody,
        Timings = new Dictionary<string, double>(Timings),
    };
}

/// <summary>Where a call came from and what the caller sent, as the record keeps it.</summary>
internal sealed record CallOrigin(string? ClientIp, string? Method, string? Path, string? NormalizedPath, string? UserAgent);
