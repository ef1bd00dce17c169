using System.Formats.Cbor;
using System.Globalization;
using Airlock.Primitives;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The input of a smithy-rpc-v2-cbor call: its top-level scalars and scalar lists, written as the json protocol
/// would show them (numbers as digits, blobs in base64, timestamps as epoch seconds), for policy and the audit trail.
/// </summary>
internal static class CborBody
{
    /// <summary>
    /// The parameters, or null when the body is not one CBOR map (or is followed by anything), or could be read two ways:
    /// a key twice in one map (smithy servers keep the first or the last), a key that is not text, text that is not
    /// UTF-8. <paramref name="why"/> says which, when the reader could tell.
    /// </summary>
    public static Dictionary<string, string>? Parameters(ReadOnlyMemory<byte> body, out string? why)
    {
        why = null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.IsEmpty)
        {
            return parameters;
        }

        try
        {
            // Strict: text must be UTF-8, and a key is refused when its encoding repeats one before it; the sets below also
            // refuse one written another way (in chunks).
            var reader = BodyNesting.CborReader(body, CborConformanceMode.Strict);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                return null;
            }

            reader.ReadStartMap();
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                if (reader.PeekState() != CborReaderState.TextString)
                {
                    return null;
                }

                var name = reader.ReadTextString();
                if (!names.Add(name))
                {
                    why = Twice(name);
                    return null;
                }

                if (reader.PeekState() == CborReaderState.StartArray)
                {
                    reader.ReadStartArray();
                    var index = 1;
                    while (reader.PeekState() != CborReaderState.EndArray)
                    {
                        if (Scalar(reader) is { } item)
                        {
                            parameters[$"{name}.{index++}"] = item;
                        }
                    }

                    reader.ReadEndArray();
                }
                else if (Scalar(reader) is { } value)
                {
                    parameters[name] = value;
                }
            }

            reader.ReadEndMap();
            return reader.BytesRemaining == 0 ? parameters : null;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
        {
            why = e is CborContentException ? e.Message.TrimEnd('.') : null;
            return null;
        }
    }

    /// <summary>The next value as text when it is a scalar; anything else (maps, lists, null) is read past.</summary>
    private static string? Scalar(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextString();
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                return Convert.ToBase64String(reader.ReadByteString());
            case CborReaderState.UnsignedInteger:
                return reader.ReadUInt64().ToString(CultureInfo.InvariantCulture);
            case CborReaderState.NegativeInteger:
                // -1 - n, where n may be as large as a ulong.
                return (-1 - (System.Numerics.BigInteger)reader.ReadCborNegativeIntegerRepresentation()).ToString(CultureInfo.InvariantCulture);
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return reader.ReadDouble().ToString("R", CultureInfo.InvariantCulture);
            case CborReaderState.Boolean:
                return reader.ReadBoolean() ? "true" : "false";
            case CborReaderState.Tag:
                // Timestamps are tag 1 over epoch seconds.
                reader.ReadTag();
                return Scalar(reader);
            default:
                ReadPast(reader);
                return null;
        }
    }

    /// <summary>Reads past a value, checking every map in it as the body's own: text keys, each once.</summary>
    private static void ReadPast(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    var key = reader.PeekState() is CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString
                        ? reader.ReadTextString()
                        : throw new TwoReadingsException("a map's key is not text");
                    if (!keys.Add(key))
                    {
                        throw new TwoReadingsException(Twice(key));
                    }

                    ReadPast(reader);
                }

                reader.ReadEndMap();
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    ReadPast(reader);
                }

                reader.ReadEndArray();
                break;
            case CborReaderState.Tag:
                reader.ReadTag();
                ReadPast(reader);
                break;
            default:
                reader.SkipValue();
                break;
        }
    }

    private static string Twice(string key) => $"the key '{Quoted.Short(key)}' appears twice in one map";

    private sealed class TwoReadingsException(string message) : CborContentException(message);
}
