using System.Formats.Cbor;
using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Primitives;

namespace Airlock.Masking;

/// <summary>
/// Masks a smithy-rpc-v2-cbor body: read item by item and written again, with the members the plan names (by the
/// same paths as json: member names, <c>*</c> for list items and map keys) and the detectors' finds in text replaced.
/// A body with nothing to mask is left as it came (null is returned).
/// </summary>
internal static class CborMasker
{
    /// <summary>The masked body, or null when nothing in it needed masking. Throws <see cref="CborContentException"/> on malformed CBOR.</summary>
    public static byte[]? Mask(ReadOnlyMemory<byte> cbor, MaskPlan plan, Masker masker, MaskReport report)
    {
        var walk = new Walk(BodyNesting.CborReader(cbor, CborConformanceMode.Lax), plan, masker, report);
        try
        {
            walk.Copy(plan.JsonFields.Root, null, quiet: false, field: null, depth: 0);
        }
        catch (InvalidOperationException e)
        {
            // The reader's way of saying an item ended where another was due: the body is not what it claims.
            throw new CborContentException(e.Message, e);
        }

        if (walk.Reader.BytesRemaining > 0)
        {
            throw new CborContentException("The CBOR body goes on after its one data item.");
        }

        return walk.Changed ? walk.Writer.Encode() : null;
    }

    private sealed class Walk(CborReader reader, MaskPlan plan, Masker masker, MaskReport report)
    {
        private readonly List<string> _path = [];
        private readonly List<string> _hits = new(2);

        public CborReader Reader { get; } = reader;
        public CborWriter Writer { get; } = BodyNesting.CborWriter();
        public bool Changed { get; private set; }

        public void Copy(PathTrie<FieldMask>.PathState state, FieldMask? mask, bool quiet, string? field, int depth)
        {
            if (depth > BodyNesting.MaxDepth)
            {
                throw new CborContentException($"The CBOR body nests deeper than {BodyNesting.MaxDepth} levels.");
            }

            switch (Reader.PeekState())
            {
                case CborReaderState.StartMap:
                    Writer.WriteStartMap(Reader.ReadStartMap());
                    while (Reader.PeekState() != CborReaderState.EndMap)
                    {
                        string? name = null;
                        if (Reader.PeekState() == CborReaderState.TextString)
                        {
                            name = Reader.ReadTextString();
                            Writer.WriteTextString(name);
                        }
                        else
                        {
                            Writer.WriteEncodedValue(Reader.ReadEncodedValue().Span);
                        }

                        var child = state.Step(name ?? "");
                        _path.Add(name ?? "?");
                        Copy(child, mask ?? child.Value, quiet || (depth == 0 && name is not null && plan.PageTokens.Contains(name)), name ?? field, depth + 1);
                        _path.RemoveAt(_path.Count - 1);
                    }

                    Reader.ReadEndMap();
                    Writer.WriteEndMap();
                    return;
                case CborReaderState.StartArray:
                    Writer.WriteStartArray(Reader.ReadStartArray());
                    var item = state.Step(null);
                    _path.Add("*");
                    while (Reader.PeekState() != CborReaderState.EndArray)
                    {
                        Copy(item, mask ?? item.Value, quiet, field, depth + 1);
                    }

                    _path.RemoveAt(_path.Count - 1);
                    Reader.ReadEndArray();
                    Writer.WriteEndArray();
                    return;
                case CborReaderState.TextString:
                case CborReaderState.StartIndefiniteLengthTextString:
                    Text(Reader.ReadTextString(), mask, quiet, field);
                    return;
                case CborReaderState.ByteString:
                case CborReaderState.StartIndefiniteLengthByteString:
                    var bytes = Reader.ReadByteString();
                    if (mask is null)
                    {
                        Writer.WriteByteString(bytes);
                        return;
                    }

                    Masked(mask);
                    if (mask.Kind == ScalarKind.Other)
                    {
                        Writer.WriteNull();
                    }
                    else
                    {
                        Writer.WriteByteString(Encoding.UTF8.GetBytes(masker.Mask(Convert.ToBase64String(bytes), mask.Style)));
                    }

                    return;
                case CborReaderState.Tag when mask is null:
                    Writer.WriteTag(Reader.ReadTag());
                    Copy(state, null, quiet, field, depth + 1);
                    return;
                default:
                    if (mask is null)
                    {
                        Writer.WriteEncodedValue(Reader.ReadEncodedValue().Span);
                        return;
                    }

                    // No mask is a number, boolean or timestamp: the value goes, and SDKs see the member absent.
                    Reader.SkipValue();
                    Writer.WriteNull();
                    Masked(mask);
                    return;
            }
        }

        private void Text(string value, FieldMask? mask, bool quiet, string? field)
        {
            if (mask is not null)
            {
                Masked(mask);
                if (mask.Kind == ScalarKind.Other)
                {
                    Writer.WriteNull();
                }
                else
                {
                    Writer.WriteTextString(masker.Mask(value, mask.Style));
                }

                return;
            }

            _hits.Clear();
            if (!quiet && !plan.Detectors.IsEmpty && plan.Detectors.Apply(value, field, _hits) is { } found)
            {
                Changed = true;
                report.AddDetectors(string.Join('/', _path), _hits);
                Writer.WriteTextString(found);
                return;
            }

            Writer.WriteTextString(value);
        }

        private void Masked(FieldMask mask)
        {
            Changed = true;
            report.Add(string.Join('/', _path), mask.Source);
        }
    }
}
