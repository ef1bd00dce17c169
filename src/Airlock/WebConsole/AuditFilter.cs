using Airlock.Audit;

namespace Airlock.WebConsole;

/// <summary>The audit page's filters, as the query string carries them: the same as <c>airlock audit search</c>'s.</summary>
internal sealed class AuditFilter
{
    public string? Subject { get; set; }
    public string? Session { get; set; }
    public string? Connection { get; set; }
    public string? Service { get; set; }
    public string? Operation { get; set; }
    public string? Resource { get; set; }
    public string? Decision { get; set; }
    public DateTimeOffset? Since { get; set; }
    public DateTimeOffset? Until { get; set; }
    public string? Text { get; set; }

    public AuditQuery ToQuery(long after, int limit) => new()
    {
        Subject = Blank(Subject), Session = Blank(Session), Connection = Blank(Connection), Service = Blank(Service), Operation = Blank(Operation),
        Resource = Blank(Resource), Decision = Blank(Decision), Since = Since, Until = Until, Text = Blank(Text), AfterId = after, Limit = limit,
    };

    /// <summary>The filters as a query string (without paging), for links to the next page and the export.</summary>
    public string QueryString()
    {
        var pairs = new (string Name, string? Value)[]
        {
            ("subject", Subject), ("session", Session), ("connection", Connection), ("service", Service), ("operation", Operation), ("resource", Resource),
            ("decision", Decision), ("since", Since?.ToString("O")), ("until", Until?.ToString("O")), ("text", Text),
        };
        return string.Join('&', pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
