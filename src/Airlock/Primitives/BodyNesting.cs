using System.Formats.Cbor;
using System.Text.Json;

namespace Airlock.Primitives;

/// <summary>
/// How deep a json or CBOR body Airlock reads may nest. Deeper than any AWS service takes: DynamoDB's 32 levels of
/// nested attributes are about 70 json levels with the request around them, so the readers' default of 64 refused
/// items DynamoDB stores. Still shallow enough for the masker's recursion over CBOR.
/// </summary>
internal static class BodyNesting
{
    public const int MaxDepth = 512;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    /// <summary>A CBOR reader of one body to <see cref="MaxDepth"/>.</summary>
    public static CborReader CborReader(ReadOnlyMemory<byte> body, CborConformanceMode mode) =>
        new(body, new CborReaderOptions { ConformanceMode = mode, MaxDepth = MaxDepth });

    /// <summary>A CBOR writer that keeps indefinite lengths as they came, to <see cref="MaxDepth"/>.</summary>
    public static CborWriter CborWriter() =>
        new(new CborWriterOptions { ConformanceMode = CborConformanceMode.Lax, ConvertIndefiniteLengthEncodings = false, MaxDepth = MaxDepth });
}
