using System.Text.RegularExpressions;

namespace Airlock.Masking.Detectors;

/// <summary>The content detectors Airlock ships, by the names configuration uses.</summary>
internal static partial class BuiltInDetectors
{
    private static readonly HashSet<string> SessionTokenFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "SessionToken", "session_token", "aws_session_token", "SecurityToken", "X-Amz-Security-Token",
    };

    public static IReadOnlyList<Detector> All { get; } =
    [
        new RegexDetector("aws-access-key-id", AccessKeyId(), t => t.Contains("AKIA", StringComparison.Ordinal) || t.Contains("ASIA", StringComparison.Ordinal),
            defaultStyle: MaskStyle.Partial),
        new RegexDetector("aws-secret-access-key", SecretKeyAfterKeyword(), t => t.Contains("secret", StringComparison.OrdinalIgnoreCase),
            wholeField: (field, text) => field is not null && field.Contains("secret", StringComparison.OrdinalIgnoreCase) && SecretKey().IsMatch(text)),
        new RegexDetector("aws-session-token", SessionToken(), t => t.Length >= 40 && (t.Contains("GZXIvYXdz", StringComparison.Ordinal) || t.Contains("IQoJb3JpZ2luX2", StringComparison.Ordinal)),
            wholeField: (field, text) => field is not null && text.Length >= 16 && SessionTokenFields.Contains(field)),
        new RegexDetector("private-key", PrivateKey(), t => t.Contains("PRIVATE KEY-----", StringComparison.Ordinal)),
        new RegexDetector("jwt", Jwt(), t => t.Contains("eyJ", StringComparison.Ordinal)),
        new RegexDetector("password", Password(), t => t.Contains("://", StringComparison.Ordinal) || t.Contains("pass", StringComparison.OrdinalIgnoreCase) || t.Contains("pwd", StringComparison.OrdinalIgnoreCase)),
        new RegexDetector("credit-card", CardNumber(), t => DigitCount(t) >= 13, PaymentCard.IsValid, MaskStyle.Partial),
        new RegexDetector("email", Email(), t => t.Contains('@')),
        new RegexDetector("phone", Phone(), t => DigitCount(t) >= 8, c => DigitCount(c) is >= 8 and <= 15),
        new RegexDetector("us-ssn", Ssn(), t => DigitCount(t) >= 9 && t.Contains('-')),
        new RegexDetector("iban", IbanPattern(), t => t.Length >= 15 && DigitCount(t) >= 2, Iban.IsValid),
    ];

    public static Detector? Named(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    private static int DigitCount(string text)
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

    [GeneratedRegex(@"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex(@"^[A-Za-z0-9/+]{40}$")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(?i:secret)[A-Za-z_-]*[""']?\s*[:=]\s*[""']?(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")]
    private static partial Regex SecretKeyAfterKeyword();

    [GeneratedRegex(@"(?<![A-Za-z0-9/+])(?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2luX2)[A-Za-z0-9/+]{20,}={0,2}")]
    private static partial Regex SessionToken();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    // The password of a URL's user info (postgres://app:PASSWORD@db), or the value after password= / pwd: / "password": "…".
    [GeneratedRegex(@"(?<=[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)(?<v>[^\s@/]+)(?=@)|(?i:\b(?:password|passwd|pwd)\b)[""']?\s*[=:]\s*[""']?(?<v>[^\s;,&""'<>]+)")]
    private static partial Regex Password();

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")]
    private static partial Regex CardNumber();

    // Not the password@host of a URL's user info, which the password detector masks.
    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])(?<!://[^\s:/@]*:)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])")]
    private static partial Regex Email();

    // International numbers with their '+', or North American ones with separators; bare digit runs are ids, not phones.
    [GeneratedRegex(@"(?<![\w+/=.-])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?![\w.-])|(?<![\w+/=.-])(?:\(\d{3}\) ?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w.-])")]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")]
    private static partial Regex Ssn();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")]
    private static partial Regex IbanPattern();
}
