namespace Airlock.Masking;

/// <summary>What masking did to one response: the fields it masked and by what, for the audit record.</summary>
internal sealed class MaskReport
{
    private readonly List<string> _fields = [];

    /// <summary>One line per field path and source (<c>Item/card/S by detector:credit-card</c>), list items as <c>*</c>.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>The response body as the audit trail may keep it (masked, cut to the configured size, UTF-8), when it was read.</summary>
    public byte[]? RecordedBody { get; set; }

    /// <summary>A value masked by the detectors that matched in it.</summary>
    public void AddDetectors(string path, IEnumerable<string> detectors) => Add(path, "detector:" + string.Join(",detector:", detectors));

    public void Add(string path, string source)
    {
        var line = $"{(path.Length == 0 ? "(body)" : path)} by {source}";
        if (_fields.Count < 200 && !_fields.Contains(line))
        {
            _fields.Add(line);
        }
    }
}
