namespace Airlock.Health;

/// <summary>The admin listener: health and metrics for load balancers, orchestrators and Prometheus, apart from the AWS API.</summary>
internal sealed class AdminOptions
{
    /// <summary>
    /// Where <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> are served, e.g. <c>http://127.0.0.1:9091</c>; not served when unset.
    /// Its own port: nothing else is answered there, and no AWS call is taken there.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>
    /// Whether <c>/metrics</c> is served there (and each call counted for it); on by default. Off, the listener serves
    /// health only and calls are not counted.
    /// </summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Metrics are recorded only where they can be read.</summary>
    public bool ServesMetrics => Listen is not null && Metrics;

    /// <summary>The admin listener's port, which tells its requests from the AWS API's.</summary>
    public int? Port => Listen is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;

    public IEnumerable<string> Validate(IEnumerable<string> apiListenUrls)
    {
        if (Listen is null)
        {
            yield break;
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(Listen, @"^http://[^/]+:[0-9]+/?$") || !Uri.TryCreate(Listen, UriKind.Absolute, out var uri))
        {
            yield return $"admin.listen must be an http URL with a port, like http://127.0.0.1:9091 (got '{Listen}').";
        }
        else if (apiListenUrls.Any(u => Uri.TryCreate(u, UriKind.Absolute, out var api) && api.Port == uri.Port))
        {
            yield return $"admin.listen must use a port of its own, not one of listen's ({uri.Port}).";
        }
    }
}
