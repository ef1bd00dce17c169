namespace Airlock.Identity;

/// <summary>One trusted OIDC issuer: where its keys are and which tokens of it Airlock accepts.</summary>
internal sealed class IssuerOptions
{
    /// <summary>The exact <c>iss</c> value of its tokens; discovery is at <c>{Issuer}/.well-known/openid-configuration</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Accepted <c>aud</c> values; at least one.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The claim that lists the caller's groups (a string or an array of strings).</summary>
    public string GroupsClaim { get; set; } = "groups";

    public string SubjectClaim { get; set; } = "sub";

    /// <summary>Accepted signing algorithms.</summary>
    public List<string> Algorithms { get; set; } = ["RS256", "ES256"];

    /// <summary>Allowed difference between Airlock's clock and the issuer's, in seconds.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Shortest time between two fetches of the issuer's keys on an unknown <c>kid</c>, in seconds.</summary>
    public int KeyRefreshMinimumSeconds { get; set; } = 30;

    /// <summary>Plain http is refused except on loopback, where test and demo issuers live.</summary>
    public bool RequiresHttps => !Uri.TryCreate(Issuer, UriKind.Absolute, out var uri) || !uri.IsLoopback;
}
