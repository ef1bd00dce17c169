using System.Net;

namespace Airlock.Policy;

/// <summary>
/// Everything a statement can be evaluated against: who calls, what, on which resources, and the
/// context keys conditions read (<c>aws:SourceIp</c>, <c>airlock:Param/TableName</c>, …).
/// </summary>
internal sealed record PolicyRequest(
    string Subject,
    IReadOnlyList<string> Groups,
    string Connection,
    string Action,
    IReadOnlyList<string> Resources)
{
    /// <summary>
    /// The IAM action the call is authorized as (<c>s3:ListBucket</c> for <c>s3:ListObjectsV2</c>): a statement naming
    /// either covers the call. Null where IAM lists no action for it, or where it is <see cref="Action"/> itself.
    /// </summary>
    public string? IamAction { get; init; }

    /// <summary>IAM's access level of the action (List, Read, Write, Permissions management, Tagging), which <c>AccessLevel</c> statements match.</summary>
    public string? AccessLevel { get; init; }

    /// <summary>The call's names as messages show them: <c>s3:ListObjectsV2 (s3:ListBucket)</c>.</summary>
    public string Named => IamAction is null || IamAction == Action ? Action : $"{Action} ({IamAction})";

    public string Issuer { get; init; } = "";
    public string Region { get; init; } = "";
    public IPAddress? SourceIp { get; init; }
    public required DateTimeOffset Time { get; init; }
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = EmptyParameters;

    private static readonly IReadOnlyDictionary<string, string> EmptyParameters = new Dictionary<string, string>();

    /// <summary>The values of a context key; empty when the key is absent. Keys are case-insensitive, as in IAM.</summary>
    public IReadOnlyList<string> Values(string key)
    {
        if (key.StartsWith("airlock:Param/", StringComparison.OrdinalIgnoreCase))
        {
            var name = key["airlock:Param/".Length..];
            if (Parameters.TryGetValue(name, out var value))
            {
                return [value];
            }

            // List parameters are Name.1, Name.2, …: a multi-valued key.
            var items = Parameters.Where(p => p.Key.StartsWith(name + ".", StringComparison.Ordinal) && int.TryParse(p.Key[(name.Length + 1)..], out _))
                .Select(p => p.Value).ToArray();
            return items;
        }

        if (Is(key, "airlock:Groups"))
        {
            return Groups;
        }

        var single = Is(key, "aws:RequestedRegion") ? Region
            : Is(key, "airlock:Subject") ? Subject
            : Is(key, "airlock:Connection") ? Connection
            : Is(key, "airlock:Issuer") ? Issuer
            : Is(key, "aws:SourceIp") ? SourceIp?.ToString()
            : Is(key, "aws:CurrentTime") ? Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : Is(key, "aws:EpochTime") ? Time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null;
        return string.IsNullOrEmpty(single) ? [] : [single];
    }

    private static bool Is(string key, string known) => string.Equals(key, known, StringComparison.OrdinalIgnoreCase);

    /// <summary>Keys conditions may use; <c>airlock:Param/*</c> takes any member name.</summary>
    public static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "airlock:Subject", "airlock:Groups", "airlock:Connection", "airlock:Issuer",
        "aws:RequestedRegion", "aws:SourceIp", "aws:CurrentTime", "aws:EpochTime",
    };

    public static bool IsKnownKey(string key) =>
        KnownKeys.Contains(key) || (key.StartsWith("airlock:Param/", StringComparison.OrdinalIgnoreCase) && key.Length > "airlock:Param/".Length);
}
