namespace Airlock.Audit;

/// <summary>
/// Which audit records to find; every filter set must hold. Text filters match exactly except
/// <see cref="Resource"/> and <see cref="Text"/>, which match any part.
/// </summary>
internal sealed record AuditQuery
{
    public string? Subject { get; init; }
    public string? Session { get; init; }
    public string? Connection { get; init; }
    public string? Service { get; init; }
    public string? Operation { get; init; }
    public string? Resource { get; init; }
    public string? Decision { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }

    /// <summary>Free text over the parameters, reason and masked response.</summary>
    public string? Text { get; init; }

    /// <summary>Records after this id (for paging: the last id of the previous page).</summary>
    public long AfterId { get; init; }

    public int Limit { get; init; } = 100;
}
