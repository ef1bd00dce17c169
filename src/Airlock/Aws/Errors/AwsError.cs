namespace Airlock.Aws.Errors;

/// <summary>A refusal in AWS's vocabulary: HTTP status, error code and a message a person understands.</summary>
internal sealed record AwsError(int Status, string Code, string Message)
{
    /// <summary>How a refusal with this error is worded in the audit trail.</summary>
    public string RecordedReason => $"{Code}: {Message}";

    public static AwsError AccessDenied(string message, bool json) =>
        new(403, json ? "AccessDeniedException" : "AccessDenied", message);

    public static AwsError SignatureDoesNotMatch(string message) => new(403, "SignatureDoesNotMatch", message);

    public static AwsError InvalidClientTokenId(string message) => new(403, "InvalidClientTokenId", message);

    public static AwsError ExpiredToken(string message) => new(403, "ExpiredToken", message);

    public static AwsError MissingAuthentication() =>
        new(403, "MissingAuthenticationToken", "Requests through Airlock must be signed with Airlock session credentials (SigV4).");

    /// <summary>
    /// The call ran upstream but its response could not be masked, so it was withheld. 424 is a status no AWS SDK
    /// retries (they retry 500, 502, 503, 504 and throttling): a retry would run the call a second time. An upstream
    /// that answered 5xx or 429 (a load balancer's html page, say) keeps its status: the SDK retries it exactly as it
    /// would without Airlock, where the same status reached it from the upstream itself.
    /// </summary>
    public static AwsError ResponseWithheld(string action, int? status, string? upstreamRequestId, string? why)
    {
        var answered = status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without a status";
        var upstreamsStatus = status is >= 500 and < 600 or 429;
        return new(upstreamsStatus ? status!.Value : 424, "AirlockResponseWithheld",
            $"{action} was sent upstream and answered {answered} (upstream request id {upstreamRequestId ?? "none given"}), " +
            $"but Airlock could not mask the response, so it was withheld: {why}. " +
            (status is < 300 ? "The call has taken effect: do not retry it."
                : upstreamsStatus ? "The status is the upstream's, as the caller would have seen it without Airlock."
                : "Check its effect before retrying it."));
    }

    public static AwsError Malformed(string message) => new(400, "InvalidRequest", message);

    public static AwsError UnknownOperation(string message) => new(400, "UnknownOperationException", message);

    public static AwsError UpstreamUnavailable(string connection) =>
        new(502, "ServiceUnavailable", $"Airlock could not reach the upstream of connection '{connection}'.");

    /// <summary>
    /// Retryable, as the connection error an SDK talking to AWS directly would see: whether to send again a call that
    /// may have run is the caller's to decide, as it would be without Airlock. Airlock itself never sends it again.
    /// </summary>
    public static AwsError UpstreamAnswerLost(string connection) =>
        new(502, "ServiceUnavailable", $"The upstream of connection '{connection}' ended the connection before answering: the call may have run.");

    public static AwsError TooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"The request body is larger than Airlock's limit of {limit} bytes for this service.");
}
