namespace Airlock.Masking.Detectors;

/// <summary>Finds one kind of sensitive content (an e-mail address, a card number) inside a string value.</summary>
internal abstract class Detector(string name, MaskStyle defaultStyle = MaskStyle.Full)
{
    /// <summary>The name configuration switches it by, and the mask shows (<c>[email:****]</c>).</summary>
    public string Name { get; } = name;

    public MaskStyle DefaultStyle { get; } = defaultStyle;

    /// <summary>A cheap test, on the text before it is even a string, that rules out most values.</summary>
    public abstract bool MayMatch(ReadOnlySpan<char> text, in TextTraits traits, string? field);

    /// <summary>Adds every match in <paramref name="text"/>; <paramref name="field"/> is the member or element holding it, when known.</summary>
    public abstract void Find(string text, string? field, in TextTraits traits, List<TextMatch> found);

    public static int DigitCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>A detector's cheap pre-check (<see cref="Detector.MayMatch"/>).</summary>
internal delegate bool Precheck(ReadOnlySpan<char> text, in TextTraits traits);

/// <summary>Whether a value is a secret by its field alone (a 40-character key in <c>SecretAccessKey</c>).</summary>
internal delegate bool FieldCheck(string? field, ReadOnlySpan<char> text);

/// <summary>A stretch of text a detector recognised.</summary>
internal readonly record struct TextMatch(int Start, int Length, Detector Detector);
