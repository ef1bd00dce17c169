using System.Text;
using Airlock.Masking.Detectors;

namespace Airlock.Masking;

/// <summary>The detectors that apply to one caller, each with its mask style, run together over a string.</summary>
internal sealed class DetectorSet(IReadOnlyList<(Detector Detector, MaskStyle Style)> detectors, Masker masker)
{
    // An array: this is walked for every string of every response, and a list's enumerator would be allocated each time.
    private readonly (Detector Detector, MaskStyle Style)[] active = [.. detectors];

    public bool IsEmpty => active.Length == 0;

    /// <summary>
    /// The text with every match masked, or null when nothing matched. Overlapping matches keep the
    /// earliest (the longest of those starting together); <paramref name="hits"/> gets each detector that matched.
    /// </summary>
    public string? Apply(string text, string? field, ICollection<string> hits)
    {
        var masked = MaskPrefix(text, field, text.Length, hits, out _);
        return ReferenceEquals(masked, text) ? null : masked;
    }

    /// <summary>As <see cref="Apply(string, string?, ICollection{string})"/>, for text not yet a string: most values are ruled out without becoming one.</summary>
    public string? Apply(ReadOnlySpan<char> text, string? field, ICollection<string> hits) =>
        MayMatch(text, field) ? Apply(text.ToString(), field, hits) : null;

    /// <summary>Whether any detector's cheap test lets the text through.</summary>
    public bool MayMatch(ReadOnlySpan<char> text, string? field)
    {
        // Nothing any detector finds is shorter ("pwd=x").
        if (text.Length < 5 || active.Length == 0)
        {
            return false;
        }

        var traits = new TextTraits(text);
        foreach (var (detector, _) in active)
        {
            if (detector.MayMatch(text, traits, field))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Masks the text that can be settled before <paramref name="boundary"/> (for streams: what follows may still
    /// complete a match): returns it masked, and in <paramref name="consumed"/> how much of the text that covers —
    /// the boundary, or further when a match runs across it. Returns <paramref name="text"/> itself when nothing matched.
    /// </summary>
    public string MaskPrefix(string text, string? field, int boundary, ICollection<string> hits, out int consumed)
    {
        consumed = boundary;
        if (text.Length == 0 || active.Length == 0)
        {
            return boundary == text.Length ? text : text[..boundary];
        }

        var found = new List<TextMatch>();
        var traits = new TextTraits(text);
        foreach (var (detector, _) in active)
        {
            detector.Find(text, field, traits, found);
        }

        found.RemoveAll(m => m.Start >= boundary);
        if (found.Count == 0)
        {
            return boundary == text.Length ? text : text[..boundary];
        }

        found.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var masked = new StringBuilder(text.Length);
        var at = 0;
        foreach (var match in found)
        {
            if (match.Start < at)
            {
                continue;
            }

            masked.Append(text, at, match.Start - at);
            masked.Append(masker.Mask(text.Substring(match.Start, match.Length), StyleOf(match.Detector), match.Detector.Name));
            at = match.Start + match.Length;
            if (!hits.Contains(match.Detector.Name))
            {
                hits.Add(match.Detector.Name);
            }
        }

        consumed = Math.Max(at, boundary);
        masked.Append(text, at, consumed - at);
        return masked.ToString();
    }

    private MaskStyle StyleOf(Detector detector)
    {
        foreach (var (d, style) in active)
        {
            if (ReferenceEquals(d, detector))
            {
                return style;
            }
        }

        return detector.DefaultStyle;
    }
}
