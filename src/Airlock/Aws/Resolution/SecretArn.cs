using System.Text.RegularExpressions;

namespace Airlock.Aws.Resolution;

/// <summary>
/// A Secrets Manager secret as IAM names it: its ARN ends in six characters AWS appends to the name
/// (<c>secret:prod/db-AbCdEf</c>), which a call naming the secret by name or partial ARN does not say. Such a call's
/// resource is <c>secret:prod/db-??????</c>, the '?' standing for the characters not known: a Deny that could match
/// the secret's ARN applies (<c>secret:prod/db-??????</c> as AWS suggests, the full ARN, <c>secret:prod/*</c>); an
/// Allow must cover every secret of that name (or name it as Airlock always has, <c>secret:prod/db</c>).
/// </summary>
internal static partial class SecretArn
{
    public const string UnknownSuffix = "-??????";

    /// <summary>The secret's ARN, or null when the call names none (CreateSecret's Name, or SecretId, elsewhere).</summary>
    public static string? For(IReadOnlyDictionary<string, string> parameters, string region, string account)
    {
        if (!(parameters.TryGetValue("SecretId", out var id) || parameters.TryGetValue("Name", out id)) || id.Length == 0)
        {
            return null;
        }

        if (id.StartsWith("arn:", StringComparison.Ordinal))
        {
            // A partial ARN, without the suffix, is as open as the name.
            return Suffixed().IsMatch(id) ? id : id + UnknownSuffix;
        }

        return $"arn:aws:secretsmanager:{region}:{account}:secret:{id}{UnknownSuffix}";
    }

    /// <summary>A resource <see cref="For"/> left the suffix of unknown (secret names have no '?' of their own).</summary>
    public static bool HasUnknownSuffix(string resource) =>
        resource.EndsWith(UnknownSuffix, StringComparison.Ordinal) && resource.Contains(":secretsmanager:", StringComparison.Ordinal);

    [GeneratedRegex(@":secret:.+-[A-Za-z0-9]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex Suffixed();
}
