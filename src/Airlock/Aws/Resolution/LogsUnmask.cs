using System.Text.RegularExpressions;

namespace Airlock.Aws.Resolution;

/// <summary>
/// CloudWatch Logs hides what a log group's data protection policy masks unless a call asks for it unmasked
/// (<c>unmask: true</c> on GetLogEvents, FilterLogEvents, GetLogRecord, GetLogObject; <c>unmask(…)</c> in a Logs
/// Insights query), which IAM allows only with <c>logs:Unmask</c>. Without asking for it here, an agent allowed to read
/// logs would read the secrets in them that a Deny on <c>logs:Unmask</c> was meant to keep out of its context.
/// </summary>
internal static partial class LogsUnmask
{
    public static IReadOnlyList<Authorization> For(string serviceId, string operation, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> resources)
    {
        if (serviceId != "logs")
        {
            return [];
        }

        var unmasks = operation switch
        {
            "GetLogEvents" or "FilterLogEvents" or "GetLogRecord" or "GetLogObject" =>
                parameters.TryGetValue("unmask", out var flag) && !flag.Trim().Equals("false", StringComparison.OrdinalIgnoreCase),
            "StartQuery" => parameters.TryGetValue("queryString", out var query) && UnmaskCall().IsMatch(query),
            _ => false,
        };
        return unmasks ? [new Authorization("logs:Unmask", "Read", resources, "the masked log data it asks to see")] : [];
    }

    // Anywhere in the query, even inside a string: a false alarm asks for a permission, a miss would leak.
    [GeneratedRegex(@"unmask\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnmaskCall();
}
