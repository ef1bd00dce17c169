using Airlock.Gateway;
using Airlock.Identity;
using Airlock.Policy;
using Airlock.Storage;
using Airlock.Upstream;

namespace Airlock.Hosting;

/// <summary>The whole configuration: one YAML file, overridable by AIRLOCK_* environment variables.</summary>
internal sealed class AirlockOptions
{
    /// <summary>
    /// Where the gateway listens: one URL, or several separated by ';'. Loopback by default: exposing it
    /// is a deliberate choice. An https URL needs <see cref="Tls"/>.
    /// </summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    public TlsOptions Tls { get; set; } = new();

    public IEnumerable<string> ListenUrls => Listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public StoreOptions Store { get; set; } = new();

    public Identity.SessionOptions Sessions { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public List<IssuerOptions> Issuers { get; set; } = [];

    public List<ConnectionOptions> Connections { get; set; } = [];

    public PolicyOptions Policy { get; set; } = new();

    public Approvals.ApprovalOptions Approvals { get; set; } = new();

    public Masking.MaskingOptions Masking { get; set; } = new();

    public Audit.AuditOptions Audit { get; set; } = new();

    public Health.AdminOptions Admin { get; set; } = new();

    public WebConsole.ConsoleOptions Console { get; set; } = new();

    public LoggingOptions Logging { get; set; } = new();

    public TracingOptions Tracing { get; set; } = new();

    /// <summary>
    /// Host names under which callers address S3 buckets virtual-hosted style (<c>bucket.SUFFIX</c>).
    /// Calls on any other host are path style.
    /// </summary>
    public List<string> S3VirtualHostSuffixes { get; set; } = ["localhost"];

    /// <summary>Set only by <c>airlock demo</c>: serves the built-in demo identity issuer.</summary>
    internal bool DemoIssuer { get; set; }
}

internal sealed class LoggingOptions
{
    /// <summary><c>text</c> (one line per event, for people) or <c>json</c> (one JSON object per line, for log pipelines).</summary>
    public string Format { get; set; } = "text";

    public IEnumerable<string> Validate()
    {
        if (Format is not ("text" or "json"))
        {
            yield return $"logging.format: '{Format}' is neither text nor json.";
        }
    }
}

internal sealed class TracingOptions
{
    /// <summary>The OTLP/HTTP endpoint spans are exported to (its <c>/v1/traces</c>), e.g. <c>http://collector:4318</c>. Tracing is off when unset.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> of the spans.</summary>
    public string ServiceName { get; set; } = "airlock";

    /// <summary>The share of traces started here that are kept (a caller's sampled trace is always continued).</summary>
    public double SampleRatio { get; set; } = 1.0;

    public IEnumerable<string> Validate()
    {
        if (OtlpEndpoint is { } otlp && (!Uri.TryCreate(otlp, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return $"tracing.otlpEndpoint: '{otlp}' is not an http(s) URL.";
        }

        if (SampleRatio is < 0 or > 1)
        {
            yield return "tracing.sampleRatio: must be between 0 and 1.";
        }
    }
}

internal sealed class TlsOptions
{
    /// <summary>PEM certificate (chain) for https listeners; relative to the configuration file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of that certificate.</summary>
    public string? KeyFile { get; set; }
}
