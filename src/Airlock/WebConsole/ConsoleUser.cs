using System.Security.Claims;

namespace Airlock.WebConsole;

/// <summary>
/// Who is logged in to the console, as the session cookie carries it: the subject, the groups the issuer gave, the
/// roles those groups hold here, and when the login happened (for the absolute timeout). Nothing else is kept.
/// </summary>
internal sealed record ConsoleUser(string Subject, IReadOnlyList<string> Groups, IReadOnlySet<string> Roles, DateTimeOffset LoggedInAt)
{
    public const string Approver = "approver", Auditor = "auditor", Admin = "admin";
    private const string SubjectType = "sub", GroupType = "airlock:group", RoleType = "airlock:role", LoginType = "airlock:login";

    public bool MayDecide => Roles.Contains(Approver) || Roles.Contains(Admin);

    public bool MayAudit => Roles.Contains(Auditor) || Roles.Contains(Admin);

    /// <summary>Past the absolute timeout: the session ends however busy it was (the idle timeout is the cookie's sliding expiry).</summary>
    public bool Outlived(DateTimeOffset now, ConsoleOptions options) => now - LoggedInAt >= TimeSpan.FromHours(options.AbsoluteHours);

    public static IReadOnlySet<string> RolesOf(IEnumerable<string> groups, ConsoleRoles roles)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var list = groups.ToList();
        if (list.Intersect(roles.Approvers).Any())
        {
            held.Add(Approver);
        }

        if (list.Intersect(roles.Auditors).Any())
        {
            held.Add(Auditor);
        }

        if (list.Intersect(roles.Admins).Any())
        {
            held.Add(Admin);
        }

        return held;
    }

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(SubjectType, Subject), new(LoginType, LoggedInAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        claims.AddRange(Groups.Select(g => new Claim(GroupType, g)));
        claims.AddRange(Roles.Select(r => new Claim(RoleType, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, SubjectType, RoleType));
    }

    public static ConsoleUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirst(SubjectType)?.Value is not { Length: > 0 } subject
            || !long.TryParse(principal.FindFirst(LoginType)?.Value, out var login))
        {
            return null;
        }

        return new ConsoleUser(subject, [.. principal.FindAll(GroupType).Select(c => c.Value)],
            principal.FindAll(RoleType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal), DateTimeOffset.FromUnixTimeSeconds(login));
    }
}
