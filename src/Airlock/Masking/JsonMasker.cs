using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Airlock.Aws.Catalog;
using Airlock.Primitives;

namespace Airlock.Masking;

/// <summary>
/// Masks a json body in one pass of <see cref="Utf8JsonReader"/>: each masked value becomes an edit of its
/// bytes, everything else is copied as it came, so an untouched body stays byte-identical.
/// </summary>
internal static class JsonMasker
{
    /// <summary>The masked body, or null when nothing in it needed masking. Throws <see cref="JsonException"/> on malformed json.</summary>
    /// <param name="dynamoDb">Items are DynamoDB attribute values: a number a detector masks becomes a string (<c>N</c> to <c>S</c>).</param>
    public static byte[]? Mask(ReadOnlySpan<byte> json, MaskPlan plan, Masker masker, bool dynamoDb, MaskReport report)
    {
        var reader = new Utf8JsonReader(json, BodyNesting.ReaderOptions);
        var frames = new List<Frame>();
        var edits = new List<Edit>();
        var hits = new List<string>(2);
        using var text = TextBuffer.Rent();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var top = frames[^1];
                    top.Name = text.Name(ref reader);
                    top.NameStart = (int)reader.TokenStartIndex;
                    frames[^1] = top;
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var (state, mask, quiet) = Locate(frames, plan);
                    frames.Add(new Frame { State = state, Mask = mask, Quiet = quiet, IsArray = reader.TokenType == JsonTokenType.StartArray });
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.String:
                    MaskString(json, ref reader, frames, plan, masker, dynamoDb, edits, hits, report, text);
                    break;
                case JsonTokenType.Number:
                case JsonTokenType.True:
                case JsonTokenType.False:
                    if (Locate(frames, plan).Mask is { } scalarMask)
                    {
                        // No mask parses as a number or boolean: the value goes, and SDKs see the member absent.
                        edits.Add(new Edit((int)reader.TokenStartIndex, reader.ValueSpan.Length, "null"u8.ToArray()));
                        report.Add(PathOf(frames), scalarMask.Source);
                    }

                    break;
            }
        }

        return edits.Count == 0 ? null : Apply(json, edits);
    }

    private static void MaskString(
        ReadOnlySpan<byte> json, ref Utf8JsonReader reader, List<Frame> frames, MaskPlan plan, Masker masker, bool dynamoDb, List<Edit> edits, List<string> hits, MaskReport report,
        TextBuffer text)
    {
        var (_, mask, quiet) = Locate(frames, plan);
        var start = (int)reader.TokenStartIndex;
        var length = reader.ValueSpan.Length + 2;
        if (mask is not null)
        {
            var value = reader.GetString() ?? "";
            var masked = masker.Mask(value, mask.Style);
            edits.Add(mask.Kind switch
            {
                ScalarKind.Blob => new Edit(start, length, Quote(Convert.ToBase64String(Encoding.UTF8.GetBytes(masked)))),
                ScalarKind.Other => new Edit(start, length, "null"u8.ToArray()),
                _ => new Edit(start, length, Quote(masked)),
            });
            report.Add(PathOf(frames), mask.Source);
            return;
        }

        if (quiet || plan.Detectors.IsEmpty)
        {
            return;
        }

        hits.Clear();
        var scanned = text.Value(ref reader);
        var pair = new PairSite(json, frames, dynamoDb, plan, report, edits);
        if (plan.Detectors.Apply(scanned, pair.FieldOf(start, length, hits) ?? FieldOf(frames, dynamoDb), hits) is not { } found)
        {
            pair.Defer(start, length);
            return;
        }

        if (dynamoDb)
        {
            RetypeNumber(frames, edits);
        }

        edits.Add(new Edit(start, length, Quote(found)));
        report.AddDetectors(PathOf(frames), hits);
    }

    /// <summary>
    /// Where a string sits in a name/value pair (<see cref="NameValuePairs"/>): the object holding the pair's members,
    /// which for DynamoDB is the one around the attribute value (<c>{"Name": {"S": "DB_PASSWORD"}, "Value": {"S": "…"}}</c>).
    /// </summary>
    private readonly ref struct PairSite
    {
        private readonly ReadOnlySpan<byte> _json;
        private readonly List<Frame> _frames;
        private readonly MaskPlan _plan;
        private readonly MaskReport _report;
        private readonly List<Edit> _edits;
        private readonly int _owner;

        public PairSite(ReadOnlySpan<byte> json, List<Frame> frames, bool dynamoDb, MaskPlan plan, MaskReport report, List<Edit> edits)
        {
            _json = json;
            _frames = frames;
            _plan = plan;
            _report = report;
            _edits = edits;
            var owner = frames.Count - 1;
            if (dynamoDb && owner >= 1 && frames[owner] is { IsArray: false, Name: "S" })
            {
                owner--;
            }

            _owner = owner >= 0 && frames[owner] is { IsArray: false, Name: not null } ? owner : -1;
        }

        private string? Member => _owner < 0 ? null : _frames[_owner].Name;

        /// <summary>
        /// The name a pair's value is judged by. A pair's name is remembered by where it is, and becomes a string only
        /// when a value beside it needs it: an item's "name" attribute alone costs nothing.
        /// </summary>
        public string? FieldOf(int start, int length, List<string> hits)
        {
            if (Member is not { } member)
            {
                return null;
            }

            var top = _frames[_owner];
            if (NameValuePairs.IsName(member))
            {
                (top.PairNameAt, top.PairNameLength) = (start, length);
                if (top.PairValueAt > 0 && NameValuePairs.Keep(StringAt(start, length)) is { } name)
                {
                    JudgeEarlier(top, name, hits);
                }

                top.PairValueAt = 0;
                _frames[_owner] = top;
                return null;
            }

            return NameValuePairs.IsValue(member) && top.PairNameAt > 0 ? NameValuePairs.Keep(StringAt(top.PairNameAt, top.PairNameLength)) : null;
        }

        /// <summary>Remembers a pair's value that no detector masked and whose name has not come yet.</summary>
        public void Defer(int start, int length)
        {
            if (Member is { } member && NameValuePairs.IsValue(member) && _frames[_owner] is { PairNameAt: 0 } top)
            {
                (top.PairValueAt, top.PairValueLength, top.PairValueMember, top.PairValueTyped) = (start, length, member, _owner < _frames.Count - 1);
                _frames[_owner] = top;
            }
        }

        private void JudgeEarlier(Frame owner, string name, List<string> hits)
        {
            hits.Clear();
            if (_plan.Detectors.Apply(StringAt(owner.PairValueAt, owner.PairValueLength), name, hits) is { } found)
            {
                // The value came before every edit made since: keep the edits in order.
                var index = _edits.FindIndex(e => e.Start > owner.PairValueAt);
                _edits.Insert(index < 0 ? _edits.Count : index, new Edit(owner.PairValueAt, owner.PairValueLength, Quote(found)));
                var path = PathOf(_frames.GetRange(0, _owner)) is { Length: > 0 } above ? above + "/" : "";
                _report.AddDetectors(path + owner.PairValueMember + (owner.PairValueTyped ? "/S" : ""), hits);
            }

            hits.Clear();
        }

        /// <summary>The json string token at <paramref name="start"/>, unescaped.</summary>
        private string StringAt(int start, int length)
        {
            var reader = new Utf8JsonReader(_json.Slice(start, length));
            reader.Read();
            return reader.GetString() ?? "";
        }
    }

    /// <summary>A masked DynamoDB number is no number: its attribute becomes a string (<c>N</c> → <c>S</c>, <c>NS</c> → <c>SS</c>).</summary>
    private static void RetypeNumber(List<Frame> frames, List<Edit> edits)
    {
        var owner = frames.Count >= 2 && frames[^1].IsArray ? frames.Count - 2 : frames.Count - 1;
        var tag = owner < 0 ? null : frames[owner].Name;
        if (tag is not ("N" or "NS"))
        {
            return;
        }

        var at = frames[owner].NameStart;
        if (edits.Any(e => e.Start == at))
        {
            return;
        }

        // The name precedes every value edit made inside it; keep the edits in order.
        var index = edits.FindIndex(e => e.Start > at);
        edits.Insert(index < 0 ? edits.Count : index, new Edit(at, tag.Length + 2, Quote(tag == "N" ? "S" : "SS")));
    }

    /// <summary>Where the value being read sits: its path state, the mask that covers it, and whether detectors keep out (page tokens).</summary>
    private static (PathTrie<FieldMask>.PathState State, FieldMask? Mask, bool Quiet) Locate(List<Frame> frames, MaskPlan plan)
    {
        if (frames.Count == 0)
        {
            return (plan.JsonFields.Root, null, false);
        }

        var parent = frames[^1];
        var state = parent.State.Step(parent.IsArray ? null : parent.Name);
        var quiet = parent.Quiet || (frames.Count == 1 && !parent.IsArray && parent.Name is { } name && plan.PageTokens.Contains(name));
        return (state, parent.Mask ?? state.Value, quiet);
    }

    /// <summary>The member that holds a value, for detectors that judge by context; DynamoDB's type tags (<c>S</c>) are skipped.</summary>
    private static string? FieldOf(List<Frame> frames, bool dynamoDb)
    {
        for (var i = frames.Count - 1; i >= 0; i--)
        {
            if (!frames[i].IsArray && !(dynamoDb && IsAttributeTag(frames[i].Name)))
            {
                return frames[i].Name;
            }
        }

        return null;
    }

    private static bool IsAttributeTag(string? name) => name is "S" or "N" or "B" or "SS" or "NS" or "BS" or "M" or "L" or "BOOL" or "NULL";

    private static string PathOf(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            path.Append(path.Length == 0 ? "" : "/").Append(frame.IsArray ? "*" : frame.Name);
        }

        return path.ToString();
    }

    private static byte[] Quote(string value)
    {
        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        return quoted;
    }

    private static byte[] Apply(ReadOnlySpan<byte> json, List<Edit> edits)
    {
        var size = json.Length + edits.Sum(e => e.Replacement.Length - e.Length);
        var output = new byte[size];
        int from = 0, to = 0;
        foreach (var edit in edits)
        {
            json[from..edit.Start].CopyTo(output.AsSpan(to));
            to += edit.Start - from;
            edit.Replacement.CopyTo(output, to);
            to += edit.Replacement.Length;
            from = edit.Start + edit.Length;
        }

        json[from..].CopyTo(output.AsSpan(to));
        return output;
    }

    private struct Frame
    {
        public PathTrie<FieldMask>.PathState State;
        public FieldMask? Mask;
        public bool Quiet;
        public bool IsArray;
        public string? Name;
        public int NameStart;
        // A pair's name (its string token), and a pair's value read before its name ({"value": "…", "name": "DB_PASSWORD"}),
        // judged once the name comes; 0 for none (no string token starts a document).
        public int PairNameAt;
        public int PairNameLength;
        public int PairValueAt;
        public int PairValueLength;
        public string? PairValueMember;
        public bool PairValueTyped;
    }

    private readonly record struct Edit(int Start, int Length, byte[] Replacement);
}
