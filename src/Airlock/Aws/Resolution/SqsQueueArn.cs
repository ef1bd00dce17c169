using System.Text.RegularExpressions;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The queue an SQS call acts on, in the account and region its URL names: a QueueUrl of another account
/// (<c>https://sqs.us-east-1.amazonaws.com/210987654321/jobs</c>) is that account's queue, which SQS reaches when the
/// queue's policy lets it. Read as the connection's account instead, a Deny on the other account's queues would not
/// match, and one on the connection's own queue of that name would. GetQueueUrl names the owner in
/// <c>QueueOwnerAWSAccountId</c>.
/// </summary>
internal static partial class SqsQueueArn
{
    /// <summary>The queue's ARN, or null when the call names no queue by URL or owner (the templates derive it then).</summary>
    public static string? For(IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        if (parameters.TryGetValue("QueueUrl", out var url) && QueueUrl().Match(url) is { Success: true } match)
        {
            var host = match.Groups["host"].Value;
            var inHost = HostRegion().Match(host) is { Success: true } named ? named.Groups["region"].Value : region;
            return $"arn:aws:sqs:{inHost}:{match.Groups["account"].Value}:{match.Groups["name"].Value}";
        }

        return parameters.TryGetValue("QueueName", out var name) && parameters.TryGetValue("QueueOwnerAWSAccountId", out var owner) && owner.Length > 0
            ? $"arn:aws:sqs:{region}:{owner}:{name}"
            : null;
    }

    // scheme://host[:port]/account/name, as SQS writes queue URLs (any host: an endpoint of the caller's choosing too).
    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*://(?<host>[^/]+)/(?<account>\d{12})/(?<name>[a-zA-Z0-9_-]{1,75}(?:\.fifo)?)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueUrl();

    // sqs.us-east-1.amazonaws.com, us-east-1.queue.amazonaws.com, and their other partitions' domains.
    [GeneratedRegex(@"^(?:sqs\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.|(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.queue\.)", RegexOptions.CultureInvariant)]
    private static partial Regex HostRegion();
}
