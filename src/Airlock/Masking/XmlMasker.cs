using System.Text;
using System.Xml;
using Airlock.Aws.Catalog;

namespace Airlock.Masking;

/// <summary>
/// Masks a query, ec2 or rest-xml body: read with <see cref="XmlReader"/> (no DTDs), written again with the
/// masked text in place. Paths start below the root element. When nothing is masked the original bytes are kept.
/// </summary>
internal static class XmlMasker
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = false,
        CloseInput = false,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        NewLineHandling = NewLineHandling.None,
        CloseOutput = false,
    };

    /// <summary>The masked body, or null when nothing needed masking. Throws <see cref="XmlException"/> on malformed xml.</summary>
    public static byte[]? Mask(ReadOnlyMemory<byte> xml, MaskPlan plan, Masker masker, MaskReport report)
    {
        // A first read only looks: most bodies need nothing, and are then never written out again.
        if (!Walk(xml, plan, masker, report, writer: null))
        {
            return null;
        }

        using var output = new MemoryStream(xml.Length + 256);
        using (var writer = XmlWriter.Create(output, WriterSettings))
        {
            Walk(xml, plan, masker, report, writer);
        }

        return output.ToArray();
    }

    /// <summary>Reads the document, writing it with its masks when a writer is given; true when anything is masked.</summary>
    private static bool Walk(ReadOnlyMemory<byte> xml, MaskPlan plan, Masker masker, MaskReport report, XmlWriter? writer)
    {
        using var input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(xml, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(xml.ToArray(), writable: false);
        using var reader = XmlReader.Create(input, ReaderSettings);
        var changed = false;
        var hits = new List<string>(2);
        var frames = new List<Frame>();
        reader.Read();
        while (!reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.XmlDeclaration:
                    // Written raw: with the declaration switched off, XmlWriter drops even an explicit one.
                    writer?.WriteRaw($"<?xml {reader.Value}?>");
                    break;
                case XmlNodeType.Element:
                    var (state, mask, quiet) = Locate(frames, plan, reader.LocalName);
                    if (mask is { Kind: ScalarKind.Other })
                    {
                        // No mask parses as a number, boolean or timestamp: the element goes, and SDKs see the member absent.
                        if (writer is null)
                        {
                            return true;
                        }

                        report.Add(PathOf(frames, reader.LocalName), mask.Source);
                        changed = true;
                        reader.Skip();
                        continue;
                    }

                    writer?.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                    writer?.WriteAttributes(reader, defattr: false);
                    if (reader.IsEmptyElement)
                    {
                        writer?.WriteEndElement();
                    }
                    else
                    {
                        frames.Add(new Frame(reader.LocalName, state, mask, quiet));
                    }

                    break;
                case XmlNodeType.EndElement:
                    frames.RemoveAt(frames.Count - 1);
                    writer?.WriteFullEndElement();
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                    if (WriteText(reader, writer, frames, plan, masker, hits, report))
                    {
                        if (writer is null)
                        {
                            return true;
                        }

                        changed = true;
                    }

                    break;
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    writer?.WriteWhitespace(reader.Value);
                    break;
                case XmlNodeType.Comment:
                    writer?.WriteComment(reader.Value);
                    break;
                case XmlNodeType.ProcessingInstruction:
                    writer?.WriteProcessingInstruction(reader.Name, reader.Value);
                    break;
            }

            reader.Read();
        }

        return changed;
    }

    /// <summary>Writes a text node, masked where it must be (with no writer, only tells); true when it was masked.</summary>
    private static bool WriteText(XmlReader reader, XmlWriter? writer, List<Frame> frames, MaskPlan plan, Masker masker, List<string> hits, MaskReport report)
    {
        var frame = frames.Count > 0 ? frames[^1] : null;
        var text = reader.Value;
        if (frame?.Mask is { } mask)
        {
            // One mask per element, however its text was split (around a comment, say).
            if (writer is not null && !frame.Masked)
            {
                var masked = masker.Mask(text, mask.Style);
                writer.WriteString(mask.Kind == ScalarKind.Blob ? Convert.ToBase64String(Encoding.UTF8.GetBytes(masked)) : masked);
                frame.Masked = true;
                report.Add(PathOf(frames, null), mask.Source);
            }

            return true;
        }

        var field = frame is null ? null : PairedField(frames, frame.Name, text);
        if (frame is not null && !frame.Quiet && plan.Detectors.MayMatch(text, field))
        {
            hits.Clear();
            if (plan.Detectors.Apply(text, field, hits) is { } found)
            {
                writer?.WriteString(found);
                if (writer is not null)
                {
                    report.AddDetectors(PathOf(frames, null), hits);
                }

                return true;
            }
        }

        if (reader.NodeType == XmlNodeType.CDATA)
        {
            writer?.WriteCData(text);
        }
        else
        {
            writer?.WriteString(text);
        }

        return false;
    }

    /// <summary>
    /// The name an element's text is judged by: its own, or for a pair's value the name given before it in the same parent
    /// (<c>&lt;ParameterKey&gt;DbPassword&lt;/ParameterKey&gt;&lt;ParameterValue&gt;…</c>: <see cref="NameValuePairs"/>).
    /// </summary>
    private static string PairedField(List<Frame> frames, string name, string text)
    {
        if (frames.Count < 2)
        {
            return name;
        }

        if (NameValuePairs.IsName(name))
        {
            frames[^2].PairName = NameValuePairs.Keep(text);
        }

        return NameValuePairs.IsValue(name) ? frames[^2].PairName ?? name : name;
    }

    private static (PathTrie<FieldMask>.PathState State, FieldMask? Mask, bool Quiet) Locate(List<Frame> frames, MaskPlan plan, string name)
    {
        if (frames.Count == 0)
        {
            // The root element (GetUserResponse) is not part of any path.
            return (plan.XmlFields.Root, null, false);
        }

        var parent = frames[^1];
        var state = parent.State.Step(name);
        // Page tokens sit at the top of the output: below the root, or below query's result wrapper.
        var quiet = parent.Quiet || (frames.Count <= 2 && plan.PageTokens.Contains(name));
        return (state, parent.Mask ?? state.Value, quiet);
    }

    private static string PathOf(List<Frame> frames, string? leaf)
    {
        var names = frames.Skip(1).Select(f => f.Name);
        return string.Join('/', leaf is null ? names : names.Append(leaf));
    }

    private sealed class Frame(string name, PathTrie<FieldMask>.PathState state, FieldMask? mask, bool quiet)
    {
        public string Name { get; } = name;
        public PathTrie<FieldMask>.PathState State { get; } = state;
        public FieldMask? Mask { get; } = mask;
        public bool Quiet { get; } = quiet;
        public bool Masked { get; set; }

        /// <summary>The name of the pair this element holds, once its name element has been read.</summary>
        public string? PairName { get; set; }
    }
}
