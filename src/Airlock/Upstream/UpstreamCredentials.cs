namespace Airlock.Upstream;

/// <summary>The AWS credential Airlock signs upstream calls with. Never shown to a caller, logged or recorded.</summary>
internal sealed record UpstreamCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    // Keeps the secret out of any log line or exception message that formats this record.
    public override string ToString() => $"UpstreamCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
