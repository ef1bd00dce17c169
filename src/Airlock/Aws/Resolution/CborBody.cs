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
    /// <summary>The parameters, or null when the body is not one CBOR map (or is followed by anything).</summary>
    public static Dictionary<string, string>? Parameters(ReadOnlyMemory<byte> body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.IsEmpty)
        {
            return parameters;
        }

        try
        {
            var reader = BodyNesting.CborReader(body);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                return null;
            }

            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                if (reader.PeekState() != CborReaderState.TextString)
                {
                    return null;
                }

                var name = reader.ReadTextString();
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
                reader.SkipValue();
                return null;
        }
    }
}
