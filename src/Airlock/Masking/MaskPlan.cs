using Airlock.Aws.Catalog;

namespace Airlock.Masking;

/// <summary>What masks one field, and how: <c>model</c>, <c>rule:NAME</c>, with its style and the scalar's kind.</summary>
internal sealed record FieldMask(string Source, MaskStyle Style, ScalarKind Kind);

/// <summary>Everything that is masked in the responses of one operation for one caller.</summary>
internal sealed class MaskPlan(
    PathTrie<FieldMask> jsonFields,
    PathTrie<FieldMask> xmlFields,
    IReadOnlyDictionary<string, FieldMask> headers,
    FieldMask? payload,
    DetectorSet detectors,
    IReadOnlySet<string> pageTokens,
    bool scanObjects)
{
    public static MaskPlan None { get; } = new(new(), new(), new Dictionary<string, FieldMask>(), null,
        new DetectorSet([], new Masker([0])), new HashSet<string>(), false);

    /// <summary>Fields of json and rest-json bodies, by json path.</summary>
    public PathTrie<FieldMask> JsonFields { get; } = jsonFields;

    /// <summary>Elements of query, ec2 and rest-xml bodies, by path below the root element.</summary>
    public PathTrie<FieldMask> XmlFields { get; } = xmlFields;

    /// <summary>Response headers, by lower-case name.</summary>
    public IReadOnlyDictionary<string, FieldMask> Headers { get; } = headers;

    /// <summary>Set when the whole raw body (a blob payload) is sensitive.</summary>
    public FieldMask? Payload { get; } = payload;

    public DetectorSet Detectors { get; } = detectors;

    /// <summary>Top-level members holding pagination state: detectors leave them, so the next page can still be asked for.</summary>
    public IReadOnlySet<string> PageTokens { get; } = pageTokens;

    /// <summary>Run the detectors over text objects as they stream.</summary>
    public bool ScanObjects { get; } = scanObjects;

    /// <summary>Nothing to mask: the response passes through unread.</summary>
    public bool IsEmpty => JsonFields.IsEmpty && XmlFields.IsEmpty && Headers.Count == 0 && Payload is null && Detectors.IsEmpty;

    /// <summary>Masking needs the response body (headers alone are masked without reading it).</summary>
    public bool ReadsBody => !JsonFields.IsEmpty || !XmlFields.IsEmpty || Payload is not null || !Detectors.IsEmpty;
}
