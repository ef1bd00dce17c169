namespace Airlock.Aws.Catalog;

/// <summary>Where a response carries a value the model marks sensitive.</summary>
internal enum OutputLocation
{
    /// <summary>A json property or xml element, by its wire path below the body's root.</summary>
    Body,

    /// <summary>A response header.</summary>
    Header,

    /// <summary>The whole raw response body (a blob or string payload).</summary>
    Payload,
}

/// <summary>How a sensitive scalar is written, which decides what a mask may replace it with.</summary>
internal enum ScalarKind
{
    /// <summary>Text: the mask replaces it.</summary>
    String,

    /// <summary>Base64 on the wire: the mask is base64-encoded so SDKs still decode it.</summary>
    Blob,

    /// <summary>A number, boolean or timestamp: no mask parses as one, so the value is removed.</summary>
    Other,
}

/// <summary>
/// One sensitive output scalar of an operation: its location, its path (wire names joined by '/',
/// '*' for a list item or a map key) or header name, and its kind.
/// </summary>
internal sealed record SensitiveOutput(OutputLocation Location, string Path, ScalarKind Kind)
{
    public static SensitiveOutput Parse(string entry)
    {
        var parts = entry.Split('|');
        if (parts.Length != 3)
        {
            throw new FormatException($"Bad catalog maskOutput entry '{entry}'.");
        }

        var location = parts[0] switch
        {
            "body" => OutputLocation.Body,
            "header" => OutputLocation.Header,
            "payload" => OutputLocation.Payload,
            _ => throw new FormatException($"Bad catalog maskOutput location in '{entry}'."),
        };
        var kind = parts[2] switch
        {
            "s" => ScalarKind.String,
            "b" => ScalarKind.Blob,
            _ => ScalarKind.Other,
        };
        return new SensitiveOutput(location, parts[1], kind);
    }
}
