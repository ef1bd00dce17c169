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
        new RegexDetector("aws-access-key-id", AccessKeyId(),
            (t, in x) => x.Length >= 20 && x.Upper >= 4 && (t.Contains("AKIA", StringComparison.Ordinal) || t.Contains("ASIA", StringComparison.Ordinal)),
            defaultStyle: MaskStyle.Partial),
        new RegexDetector("aws-secret-access-key", SecretKeyAfterKeyword(),
            (t, in x) => x.Length >= 40 && (x.Colon || x.Equal) && t.Contains("secret", StringComparison.OrdinalIgnoreCase),
            wholeField: (field, text) => text.Length == 40 && field is not null && field.Contains("secret", StringComparison.OrdinalIgnoreCase) && SecretKey().IsMatch(text)),
        new RegexDetector("aws-session-token", SessionToken(),
            (t, in x) => x.Length >= 40 && (t.Contains("GZXIvYXdz", StringComparison.Ordinal) || t.Contains("IQoJb3JpZ2luX2", StringComparison.Ordinal)),
            wholeField: (field, text) => text.Length >= 16 && field is not null && SessionTokenFields.Contains(field)),
        new RegexDetector("private-key", PrivateKey(), (t, in x) => x.Length >= 60 && x.Dash && t.Contains("PRIVATE KEY-----", StringComparison.Ordinal)),
        new RegexDetector("jwt", Jwt(), (t, in x) => x.Length >= 20 && x.Dot && t.Contains("eyJ", StringComparison.Ordinal)),
        new RegexDetector("password", Password(),
            (t, in x) => (x.Colon || x.Equal) && (t.Contains("://", StringComparison.Ordinal) || t.Contains("pass", StringComparison.OrdinalIgnoreCase) || t.Contains("pwd", StringComparison.OrdinalIgnoreCase)),
            wholeField: (field, text) => field is not null && IsPasswordField(field) && IsSecretText(text)),
        new RegexDetector("credit-card", CardNumber(), (t, in x) => x.Digits >= 13 && TextShape.HasDigitRun(t, 13), PaymentCard.IsValid, MaskStyle.Partial),
        new RegexDetector("email", Email(), (_, in x) => x.At && x.Dot),
        new RegexDetector("phone", Phone(), (t, in x) => x.Digits >= 8 && (x.Plus || x.Paren || x.Dash || x.Dot) && TextShape.HasPhoneShape(t),
            c => Detector.DigitCount(c) is >= 8 and <= 15),
        new RegexDetector("us-ssn", Ssn(), (t, in x) => x.Digits >= 9 && x.Dash && TextShape.HasSsnShape(t)),
        new RegexDetector("iban", IbanPattern(), (t, in x) => x.Length >= 15 && x.Digits >= 2 && x.Upper >= 2 && TextShape.HasIbanStart(t), Iban.IsValid),
    ];

    // A value named as a password (Glue's PASSWORD connection property, a DB_PASSWORD variable, MasterUserPassword),
    // not the settings named after one (PasswordLastUsed, MinimumPasswordLength).
    private static bool IsPasswordField(string field) =>
        field.EndsWith("password", StringComparison.OrdinalIgnoreCase) || field.EndsWith("passwd", StringComparison.OrdinalIgnoreCase)
        || field.Equals("pwd", StringComparison.OrdinalIgnoreCase);

    // Not a flag in text (xml's AllowUsersToChangePassword is "true") nor an empty value.
    private static bool IsSecretText(ReadOnlySpan<char> text) =>
        text.Length > 0 && !text.Equals("true", StringComparison.OrdinalIgnoreCase) && !text.Equals("false", StringComparison.OrdinalIgnoreCase);

    public static Detector? Named(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

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

    // The password of a URL's user info (postgres://app:PASSWORD@db), or the value after password= / pwd: / "password": "…",
    // and after a name that ends in one (DB_PASSWORD=, "MasterUserPassword": "…").
    [GeneratedRegex(@"(?<=[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)(?<v>[^\s@/]+)(?=@)|(?i:(?<![A-Za-z0-9_-])[A-Za-z0-9_-]*(?:password|passwd|pwd)\b)[""']?\s*[=:]\s*[""']?(?<v>[^\s;,&""'<>]+)")]
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
