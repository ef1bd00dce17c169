namespace Airlock.Masking.Detectors;

/// <summary>
/// Single-pass look-aheads for the detectors' pre-checks: does the text hold something shaped like what a
/// detector finds? Ruling a value out here costs one scan; the regular expression would cost far more.
/// </summary>
internal static class TextShape
{
    /// <summary>Whether some run of digits, single spaces or dashes between them allowed, holds at least <paramref name="digits"/> digits.</summary>
    public static bool HasDigitRun(ReadOnlySpan<char> text, int digits)
    {
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                if (++run >= digits)
                {
                    return true;
                }
            }
            else if (!(text[i] is ' ' or '-' && run > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                run = 0;
            }
        }

        return false;
    }

    /// <summary><c>+d</c>, <c>(ddd)</c>, or three digits, a dash or dot, three digits: how a phone number starts.</summary>
    public static bool HasPhoneShape(ReadOnlySpan<char> text)
    {
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                run++;
                continue;
            }

            if ((c == '+' && Digits(text, i + 1, 1))
                || (c == '(' && Digits(text, i + 1, 3) && At(text, i + 4, ')'))
                || (c is '-' or '.' && run >= 3 && Digits(text, i + 1, 3)))
            {
                return true;
            }

            run = 0;
        }

        return false;
    }

    /// <summary><c>ddd-dd-dddd</c>.</summary>
    public static bool HasSsnShape(ReadOnlySpan<char> text)
    {
        for (var dash = text.IndexOf('-'); dash >= 0; dash = Next(text, dash + 1, '-'))
        {
            if (Digits(text, dash - 3, 3) && Digits(text, dash + 1, 2) && At(text, dash + 3, '-') && Digits(text, dash + 4, 4))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two upper-case letters and two digits: how an IBAN starts.</summary>
    public static bool HasIbanStart(ReadOnlySpan<char> text)
    {
        for (var i = 0; i + 3 < text.Length; i++)
        {
            if (char.IsAsciiLetterUpper(text[i]) && char.IsAsciiLetterUpper(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]))
            {
                return true;
            }
        }

        return false;
    }

    private static int Next(ReadOnlySpan<char> text, int from, char c)
    {
        if (from >= text.Length)
        {
            return -1;
        }

        var at = text[from..].IndexOf(c);
        return at < 0 ? -1 : from + at;
    }

    private static bool At(ReadOnlySpan<char> text, int index, char c) => index >= 0 && index < text.Length && text[index] == c;

    private static bool Digits(ReadOnlySpan<char> text, int start, int count)
    {
        if (start < 0 || start + count > text.Length)
        {
            return false;
        }

        foreach (var c in text.Slice(start, count))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
