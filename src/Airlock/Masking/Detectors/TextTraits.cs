namespace Airlock.Masking.Detectors;

/// <summary>
/// What one pass over a value tells about it: its digits, capitals and a few telling characters. Every
/// detector's first test reads these, so most values are ruled out without a single search.
/// </summary>
internal readonly struct TextTraits
{
    public int Length { get; }
    public int Digits { get; }
    public int Upper { get; }
    public bool At { get; }
    public bool Colon { get; }
    public bool Equal { get; }
    public bool Plus { get; }
    public bool Paren { get; }
    public bool Dash { get; }
    public bool Dot { get; }

    public TextTraits(ReadOnlySpan<char> text)
    {
        Length = text.Length;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                Digits++;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                Upper++;
            }
            else
            {
                switch (c)
                {
                    case '@': At = true; break;
                    case ':': Colon = true; break;
                    case '=': Equal = true; break;
                    case '+': Plus = true; break;
                    case '(': Paren = true; break;
                    case '-': Dash = true; break;
                    case '.': Dot = true; break;
                }
            }
        }
    }
}
