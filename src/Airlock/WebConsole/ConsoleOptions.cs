using Airlock.Identity;

namespace Airlock.WebConsole;

/// <summary>
/// The console for approvers and auditors, under <c>/console</c>: off unless <see cref="Issuer"/> names one of the
/// trusted issuers, whose people log in with the authorization code flow and PKCE.
/// </summary>
internal sealed class ConsoleOptions
{
    public const string PathBase = "/console";

    /// <summary>The issuer people log in at: one of <c>issuers[].issuer</c> (its groups claim gives their roles).</summary>
    public string? Issuer { get; set; }

    /// <summary>The console's client id at the issuer; the id token's audience.</summary>
    public string ClientId { get; set; } = "airlock-console";

    /// <summary>The environment variable holding the client secret, for issuers that want a confidential client; PKCE either way.</summary>
    public string? ClientSecretEnv { get; set; }

    /// <summary>Scopes asked for at login; the issuer must put the groups claim in the id token for them.</summary>
    public List<string> Scopes { get; set; } = ["openid", "profile"];

    /// <summary>
    /// A listener of its own for the console (e.g. <c>https://0.0.0.0:8443</c>), apart from the AWS API; when unset,
    /// the console is on the API's listeners, for requests that carry no AWS signature.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>Which groups hold which role.</summary>
    public ConsoleRoles Roles { get; set; } = new();

    /// <summary>A console session ends after this long without a request.</summary>
    public int IdleMinutes { get; set; } = 30;

    /// <summary>A console session ends this long after login, however busy.</summary>
    public int AbsoluteHours { get; set; } = 8;

    public bool Enabled => Issuer is not null;

    public int? Port => Listen is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;

    public IEnumerable<string> Validate(IReadOnlyList<IssuerOptions> issuers, IEnumerable<string> apiListenUrls)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!issuers.Any(i => i.Issuer == Issuer))
        {
            yield return $"console.issuer: '{Issuer}' is not one of issuers[].issuer.";
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "console.clientId: give the console's client id at the issuer.";
        }

        if (!Scopes.Contains("openid"))
        {
            yield return "console.scopes: include openid.";
        }

        if (Roles.Approvers.Count + Roles.Auditors.Count + Roles.Admins.Count == 0)
        {
            yield return "console.roles: name the groups of approvers, auditors or admins; nobody else may use the console.";
        }

        if (IdleMinutes <= 0 || AbsoluteHours <= 0 || IdleMinutes > AbsoluteHours * 60)
        {
            yield return "console.idleMinutes and console.absoluteHours: both positive, the idle timeout within the absolute one.";
        }

        if (Listen is not null)
        {
            if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0)
            {
                yield return $"console.listen: '{Listen}' is not a URL with a port, like https://0.0.0.0:8443.";
            }
            else if (apiListenUrls.Any(u => Uri.TryCreate(u, UriKind.Absolute, out var api) && api.Port == uri.Port))
            {
                yield return $"console.listen must use a port of its own, not one of listen's ({uri.Port}).";
            }
        }
    }
}

/// <summary>Roles from groups: approvers decide held calls and grants, auditors read the trail, admins do both and see everything.</summary>
internal sealed class ConsoleRoles
{
    public List<string> Approvers { get; set; } = [];
    public List<string> Auditors { get; set; } = [];
    public List<string> Admins { get; set; } = [];
}
