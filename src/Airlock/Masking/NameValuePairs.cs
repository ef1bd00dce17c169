namespace Airlock.Masking;

/// <summary>
/// The members AWS uses for name/value pairs (environment variables, tags, stack parameters, option settings): a pair's
/// value is judged by the name given beside it in the same object or element (before it; in json, before or after), so
/// <c>DB_PASSWORD</c>'s value is a password.
/// </summary>
internal static class NameValuePairs
{
    private const int MaxName = 128;

    public static bool IsName(string member) =>
        member is "name" or "Name" or "key" or "Key" or "OptionName" or "ParameterKey";

    public static bool IsValue(string member) => member is "value" or "Value" or "ParameterValue";

    private static readonly string[] Names = ["ParameterKey", "OptionName", "Key", "Name", "key", "name"];

    /// <summary>
    /// In a flattened form (<c>Parameters.member.1.ParameterValue</c>), the name its pair gives the value: the sibling
    /// <c>….ParameterKey</c>'s value; null when the parameter is no pair's value.
    /// </summary>
    public static string? NameInForm(string parameter, Func<string, string?> lookup)
    {
        var dot = parameter.LastIndexOf('.');
        if (dot < 0 || !IsValue(parameter[(dot + 1)..]))
        {
            return null;
        }

        foreach (var name in Names)
        {
            if (lookup(string.Concat(parameter.AsSpan(0, dot + 1), name)) is { } paired)
            {
                return paired;
            }
        }

        return null;
    }

    /// <summary>The pair's name as kept for its value, or null when too long to be one.</summary>
    public static string? Keep(string name) => name.Length <= MaxName ? name : null;
}
