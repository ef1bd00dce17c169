namespace Airlock.Identity;

/// <summary>Every error in the <c>sessions</c> and <c>issuers</c> sections, each with its place.</summary>
internal static class IdentityValidator
{
    /// <param name="demoIssuer">Whether <c>airlock demo</c> serves its own issuer, so that none need be configured.</param>
    public static IEnumerable<string> Validate(SessionOptions sessions, IReadOnlyList<IssuerOptions> issuers, bool demoIssuer)
    {
        if (sessions.MaxDurationSeconds is < 60 or > 43200)
        {
            yield return "sessions.maxDurationSeconds: must be between 60 and 43200.";
        }

        if (issuers.Count == 0 && !demoIssuer)
        {
            yield return "issuers: at least one trusted OIDC issuer is needed.";
        }

        for (var i = 0; i < issuers.Count; i++)
        {
            var issuer = issuers[i];
            if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                yield return $"issuers[{i}].issuer: '{issuer.Issuer}' is not an http(s) URL.";
            }
            else if (uri.Scheme == "http" && !uri.IsLoopback)
            {
                yield return $"issuers[{i}].issuer: plain http is only allowed for loopback issuers.";
            }

            if (issuer.Audiences.Count == 0)
            {
                yield return $"issuers[{i}].audiences: list the audience(s) tokens must be issued for.";
            }
        }
    }
}
