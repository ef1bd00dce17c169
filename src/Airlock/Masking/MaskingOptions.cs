namespace Airlock.Masking;

/// <summary>What Airlock redacts in responses before they reach the caller or the audit trail.</summary>
internal sealed class MaskingOptions
{
    /// <summary>Off turns every source of masking off at once; responses then pass through untouched.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The key of the hash style (32 random bytes, created on first start). Relative paths start at the
    /// configuration file's folder; nodes that should give the same tokens share the file. Default: beside the store.
    /// </summary>
    public string? HashKeyFile { get; set; }

    /// <summary>The largest json or xml response Airlock masks; a bigger one that needs masking is refused, never passed on.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The output members the official AWS models mark sensitive.</summary>
    public MaskSourceOptions Model { get; set; } = new();

    /// <summary>Content detectors by name (<c>email</c>, <c>credit-card</c>, …): every one is on unless switched off here.</summary>
    public Dictionary<string, MaskSourceOptions> Detectors { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Fields masked by configuration: an action pattern and a json path or xml element path.</summary>
    public List<MaskRuleOptions> Rules { get; set; } = [];

    /// <summary>Detector scanning of S3 object bodies (off: object data is streamed untouched).</summary>
    public ObjectScanOptions Objects { get; set; } = new();

    /// <summary>How many bytes of the (masked) response body the audit record keeps.</summary>
    public int AuditResponseBytes { get; set; } = 4096;
}

/// <summary>One source of masking: whether it is on, how it masks, and which groups see values unmasked.</summary>
internal class MaskSourceOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Full, partial or hash; unset takes the source's default (full; partial for key ids and card numbers).</summary>
    public MaskStyle? Style { get; set; }

    /// <summary>Callers in any of these groups see the values this source would mask.</summary>
    public List<string> UnmaskedFor { get; set; } = [];
}

/// <summary>A configured field: <c>action: dynamodb:GetItem</c>, <c>path: $.Item.ssn.S</c>.</summary>
internal sealed class MaskRuleOptions : MaskSourceOptions
{
    /// <summary>Shown in the audit record as the rule that masked a field; defaults to the rule's position.</summary>
    public string? Name { get; set; }

    /// <summary>The calls it applies to, IAM-style with wildcards (<c>dynamodb:*</c>).</summary>
    public string Action { get; set; } = "*";

    /// <summary>
    /// A json path (<c>$.Items[*].ssn.S</c>, <c>$..password</c>) for json and rest-json, or an element path below the root element
    /// (<c>GetUserResult/User/UserName</c>, <c>**/Password</c>) for query, ec2 and rest-xml.
    /// </summary>
    public string Path { get; set; } = "";
}

internal sealed class ObjectScanOptions
{
    /// <summary>Run the detectors over text objects (S3 GetObject) as they stream, in bounded memory.</summary>
    public bool Scan { get; set; }

    /// <summary>Content types scanned; <c>text/*</c> style wildcards.</summary>
    public List<string> ContentTypes { get; set; } = ["text/*", "application/json", "application/xml", "application/x-ndjson", "application/yaml", "application/csv"];
}
