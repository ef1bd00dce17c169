using Airlock.Audit;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Upstream;

namespace Airlock.Hosting;

/// <summary>Checks the whole configuration and reports every error with its path, not just the first.</summary>
internal static class ConfigValidator
{
    public static IReadOnlyList<string> Validate(AirlockOptions options)
    {
        var errors = new List<string>();
        foreach (var url in options.ListenUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https") || listen.Port <= 0)
            {
                errors.Add($"listen: '{url}' is not a URL such as http://127.0.0.1:8080.");
            }
            else if (listen.Scheme == "https" && (options.Tls.CertificateFile is null || options.Tls.KeyFile is null))
            {
                errors.Add($"tls: the https listener {url} needs tls.certificateFile and tls.keyFile (PEM).");
            }
        }

        if (!options.ListenUrls.Any())
        {
            errors.Add("listen: give at least one URL.");
        }

        // Each feature checks its own section.
        errors.AddRange(options.Store.Validate());
        errors.AddRange(options.Admin.Validate(options.ListenUrls));
        if (options.Tracing.OtlpEndpoint is { } otlp && (!Uri.TryCreate(otlp, UriKind.Absolute, out var otlpUri) || otlpUri.Scheme is not ("http" or "https")))
        {
            errors.Add($"tracing.otlpEndpoint: '{otlp}' is not an http(s) URL.");
        }

        if (options.Tracing.SampleRatio is < 0 or > 1)
        {
            errors.Add("tracing.sampleRatio: must be between 0 and 1.");
        }

        if (options.Logging.Format is not ("text" or "json"))
        {
            errors.Add($"logging.format: '{options.Logging.Format}' is neither text nor json.");
        }

        errors.AddRange(IdentityValidator.Validate(options.Sessions, options.Issuers, options.DemoIssuer));
        errors.AddRange(options.Limits.Validate());
        errors.AddRange(MaskingValidator.Validate(options.Masking));
        errors.AddRange(AuditValidator.Validate(options.Audit));
        errors.AddRange(ConnectionsValidator.Validate(options.Connections));
        return errors;
    }
}
