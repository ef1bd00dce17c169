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
        errors.AddRange(options.Tracing.Validate());
        errors.AddRange(options.Logging.Validate());
        errors.AddRange(options.Approvals.Slack.Validate());
        errors.AddRange(options.Console.Validate(options.Issuers, options.ListenUrls));
        if (options.Console.Enabled && options.Console.Listen?.StartsWith("https:", StringComparison.Ordinal) == true && (options.Tls.CertificateFile is null || options.Tls.KeyFile is null))
        {
            errors.Add($"tls: the console's https listener {options.Console.Listen} needs tls.certificateFile and tls.keyFile (PEM).");
        }

        errors.AddRange(IdentityValidator.Validate(options.Sessions, options.Issuers, options.DemoIssuer));
        errors.AddRange(options.Limits.Validate());
        errors.AddRange(MaskingValidator.Validate(options.Masking));
        errors.AddRange(AuditValidator.Validate(options.Audit));
        errors.AddRange(ConnectionsValidator.Validate(options.Connections));
        return errors;
    }
}
