namespace Airlock.Masking.Detectors;

/// <summary>Finds one kind of sensitive content (an e-mail address, a card number) inside a string value.</summary>
internal abstract class Detector(string name, MaskStyle defaultStyle = MaskStyle.Full)
{
    /// <summary>The name configuration switches it by, and the mask shows (<c>[email:****]</c>).</summary>
    public string Name { get; } = name;

    public MaskStyle DefaultStyle { get; } = defaultStyle;

    /// <summary>Adds every match in <paramref name="text"/>; <paramref name="field"/> is the member or element holding it, when known.</summary>
    public abstract void Find(string text, string? field, List<TextMatch> found);
}

/// <summary>A stretch of text a detector recognised.</summary>
internal readonly record struct TextMatch(int Start, int Length, Detector Detector);
