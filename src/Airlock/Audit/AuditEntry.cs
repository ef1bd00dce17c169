namespace Airlock.Audit;

/// <summary>One call as the audit trail records it. Holds ids and decisions, never credentials.</summary>
internal sealed record AuditEntry
{
    public long Id { get; init; }
    public required string RequestId { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? Principal { get; init; }
    public string? SessionId { get; init; }

    /// <summary>
    /// The sessions' change counter the session was checked at, for the writer to check it again at commit when the
    /// counter moved since. Not recorded.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? SessionsVersion { get; init; }

    public string? AccessKeyId { get; init; }
    public string? Connection { get; init; }
    public string? Service { get; init; }
    public string? Operation { get; init; }

    /// <summary>The policy action (<c>s3:PutObject</c>) the call was decided as.</summary>
    public string? Action { get; init; }

    public string? Region { get; init; }

    /// <summary>The call's parameters, minus the members the model marks sensitive; values cut at 256 characters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary><c>allow</c>, <c>deny</c> (policy) or <c>refuse</c> (authentication, malformed input, store or upstream failure).</summary>
    public required string Decision { get; init; }

    public string? Reason { get; init; }
    public string? ClientIp { get; init; }
    public int? UpstreamStatus { get; init; }
    public double? LatencyMs { get; init; }

    /// <summary>The response fields masked, each with what masked it (<c>SecretString by model</c>).</summary>
    public IReadOnlyList<string> Masked { get; init; } = [];

    /// <summary>The start of the response body as recorded: masked for a caller with no exemptions.</summary>
    public string? Response { get; init; }

    /// <summary>The HTTP method and path (with query, minus any presigning signature and token) the caller sent.</summary>
    public string? Method { get; init; }

    public string? Path { get; init; }

    /// <summary>
    /// The path as the server read it (percent-escapes of unreserved characters decoded, dot segments resolved), where
    /// that is not what was sent: the record keeps both, so an auditor sees how an odd target was understood.
    /// </summary>
    public string? NormalizedPath { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The caller's request headers without credentials (Authorization, security token, SSE-C keys); values through the detectors.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The start of a buffered request body, through the detectors; absent when the model marks any input member sensitive.</summary>
    public string? RequestBody { get; init; }

    /// <summary>
    /// Only in the log: the SHA-256 of <see cref="RequestBody"/> in its place. The audit row keeps the text, and the
    /// hash binds it to the chain without writing it twice.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RequestBodySha256 { get; init; }

    /// <summary>The upstream's own request id (x-amz-request-id / x-amzn-RequestId), to find the call in CloudTrail.</summary>
    public string? UpstreamRequestId { get; init; }

    /// <summary>Milliseconds spent in each stage of the call (verify, resolve, policy, approval, audit, upstream, response).</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();

    /// <summary>A record of Airlock's own work (deciding, notifying), not of a forwarded call.</summary>
    public static AuditEntry OfAirlock(DateTimeOffset time, string principal, string operation, string resource, string reason, string? clientIp = null) => new()
    {
        RequestId = RequestIds.Next(),
        Time = time,
        Principal = principal,
        Service = "airlock",
        Operation = operation,
        Resources = [resource],
        Decision = "allow",
        Reason = reason,
        ClientIp = clientIp,
    };
}
