using System.Text.RegularExpressions;

namespace Airlock.Masking.Detectors;

/// <summary>
/// A detector made of a cheap pre-check, a pattern (its group <c>v</c>, if any, is what gets masked) and a
/// check of each candidate (Luhn, IBAN mod 97) that keeps look-alikes unmasked. Some secrets only look like
/// one by where they are (a 40-character key in a field named <c>SecretAccessKey</c>): <c>wholeField</c> says when
/// a value is one by its field alone.
/// </summary>
internal sealed class RegexDetector(
    string name, Regex pattern, Precheck mayMatch, Func<string, bool>? isValid = null, MaskStyle defaultStyle = MaskStyle.Full,
    FieldCheck? wholeField = null)
    : Detector(name, defaultStyle)
{
    public override bool MayMatch(ReadOnlySpan<char> text, in TextTraits traits, string? field) =>
        (wholeField is not null && wholeField(field, text)) || mayMatch(text, traits);

    public override void Find(string text, string? field, in TextTraits traits, List<TextMatch> found)
    {
        if (wholeField is not null && wholeField(field, text))
        {
            found.Add(new TextMatch(0, text.Length, this));
            return;
        }

        if (!mayMatch(text, traits))
        {
            return;
        }

        for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
        {
            var value = match.Groups["v"] is { Success: true } group ? group : (Group)match;
            if (isValid is null || isValid(value.Value))
            {
                found.Add(new TextMatch(value.Index, value.Length, this));
            }
        }
    }
}
