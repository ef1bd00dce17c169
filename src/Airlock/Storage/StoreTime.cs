using System.Globalization;

namespace Airlock.Storage;

/// <summary>How every store writes a moment: UTC, millisecond ISO 8601 text, which sorts as it reads.</summary>
internal static class StoreTime
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
