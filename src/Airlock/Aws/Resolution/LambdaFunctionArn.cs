using System.Text.RegularExpressions;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The function a Lambda call acts on as IAM names it, from each form Lambda takes for <c>FunctionName</c>: a name
/// (<c>my-fn</c>), a partial ARN (<c>123456789012:function:my-fn</c>), a full ARN, each with a version or alias after
/// it (<c>my-fn:prod</c>) or in <c>Qualifier</c>. A qualified call's resource is the qualified ARN
/// (<c>function:my-fn:prod</c>), which IAM keeps apart from the function's own: a statement on one does not cover the
/// other. A partial ARN pasted into the name would otherwise become <c>function:123456789012:function:my-fn</c>, which
/// a Deny naming the function does not match.
/// </summary>
internal static partial class LambdaFunctionArn
{
    /// <summary>The function's ARNs (two when the name and Qualifier name different qualifiers), or null when the call names none Airlock can read.</summary>
    public static IReadOnlyList<string>? For(IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        if (!parameters.TryGetValue("FunctionName", out var name) || FunctionName().Match(name) is not { Success: true } match)
        {
            return null;
        }

        var function = $"arn:{Group(match, "partition") ?? "aws"}:lambda:{Group(match, "region") ?? region}:{Group(match, "account") ?? account}:function:{match.Groups["name"].Value}";
        var named = Group(match, "qualifier");
        var given = parameters.TryGetValue("Qualifier", out var q) && q.Length > 0 ? q : null;
        if (named is null || given is null || named == given)
        {
            return (named ?? given) is { } qualifier ? [$"{function}:{qualifier}"] : [function];
        }

        // Lambda refuses the two disagreeing; should it not, the call is decided as acting on both.
        return [$"{function}:{named}", $"{function}:{given}"];
    }

    private static string? Group(Match match, string name) => match.Groups[name] is { Success: true, Value: { Length: > 0 } value } ? value : null;

    // Lambda's own pattern for FunctionName, its parts named.
    [GeneratedRegex(@"^(?:arn:(?<partition>aws[a-zA-Z-]*):lambda:)?(?:(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9_.-]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex FunctionName();
}
