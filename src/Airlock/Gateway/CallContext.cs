using System.Diagnostics;
using Airlock.Audit;
using Airlock.Identity;

namespace Airlock.Gateway;

/// <summary>What the gateway has learnt about one call so far; becomes its audit record.</summary>
internal sealed class CallContext(HttpContext http)
{
    public long StartedAt { get; } = Stopwatch.GetTimestamp();
    public string RequestId { get; } = RequestIds.Next();
    public HttpContext Http { get; } = http;
    public string Protocol { get; set; } = "query";
    public string? AccessKeyId { get; set; }
    public Session? Session { get; set; }
    public string? Principal { get; set; }
    public string? Service { get; set; }
    public string? Operation { get; set; }
    public IReadOnlyList<string> Resources { get; set; } = [];
    public string? Action { get; set; }
    public string? Region { get; set; }
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

    public AuditEntry ToAudit(string decision, string? reason) => new()
    {
        RequestId = RequestId,
        Time = DateTimeOffset.UtcNow,
        Principal = Session?.Subject ?? Principal,
        SessionId = Session?.Id,
        AccessKeyId = AccessKeyId,
        Connection = Session?.Connection,
        Service = Service,
        Operation = Operation,
        Resources = Resources,
        Action = Action,
        Region = Region,
        Parameters = Parameters,
        Decision = decision,
        Reason = reason,
        ClientIp = Http.Connection.RemoteIpAddress?.ToString(),
        LatencyMs = ElapsedMs,
        Method = Http.Request.Method,
        Path = RecordedRequest.Path(Http.Request),
        NormalizedPath = RecordedRequest.NormalizedPath(Http.Request),
        UserAgent = Http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
        Headers = Headers,
        RequestBody = RequestBody,
        Timings = new Dictionary<string, double>(Timings),
    };
}
