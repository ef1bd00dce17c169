namespace Airlock.Masking.Detectors;

/// <summary>Tells a payment card number from any other run of digits: a card issuer's prefix and length, and the Luhn check.</summary>
internal static class PaymentCard
{
    public static bool IsValid(string candidate)
    {
        Span<char> digits = stackalloc char[24];
        var count = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    return false;
                }

                digits[count++] = c;
            }
        }

        return count is >= 13 and <= 19 && HasIssuerPrefix(digits[..count]) && PassesLuhn(digits[..count]);
    }

    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    // Issuer ranges of the card networks in use; without them one 13-19 digit run in ten (ids, epoch milliseconds) passes Luhn.
    private static bool HasIssuerPrefix(ReadOnlySpan<char> d)
    {
        var length = d.Length;
        int p2 = int.Parse(d[..2]), p3 = int.Parse(d[..3]), p4 = int.Parse(d[..4]);
        return d[0] switch
        {
            '4' => length is 13 or 16 or 19,
            '5' => p2 is >= 51 and <= 55 && length == 16,
            '2' => p4 is >= 2221 and <= 2720 && length == 16,
            '3' => (p2 is 34 or 37 && length == 15)
                || (p3 is >= 300 and <= 305 or >= 360 and <= 369 or >= 380 and <= 399 && length is >= 14 and <= 19)
                || (p4 is >= 3528 and <= 3589 && length is >= 16 and <= 19),
            '6' => (p4 == 6011 || p3 is >= 644 and <= 649 || p2 is 65 or 62) && length is >= 16 and <= 19,
            _ => false,
        };
    }
}
