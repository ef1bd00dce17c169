using Airlock.Masking.Detectors;

namespace Airlock.Masking;

/// <summary>Every error in the <c>masking</c> section, each with its place.</summary>
internal static class MaskingValidator
{
    public static IEnumerable<string> Validate(MaskingOptions options)
    {
        foreach (var name in options.Detectors.Keys.Where(n => BuiltInDetectors.Named(n) is null))
        {
            yield return $"masking.detectors.{name}: no such detector; there are {string.Join(", ", BuiltInDetectors.All.Select(d => d.Name))}.";
        }

        for (var i = 0; i < options.Rules.Count; i++)
        {
            var error = PathError(options.Rules[i].Path);
            if (error is not null)
            {
                yield return $"masking.rules[{i}].path: {error}";
            }
        }

        if (options.MaxBodyBytes is < 1024 or > int.MaxValue / 2)
        {
            yield return "masking.maxBodyBytes: must be between 1024 and 1073741823.";
        }

        if (options.AuditResponseBytes < 0)
        {
            yield return "masking.auditResponseBytes: must be 0 (keep no response) or more.";
        }
    }

    private static string? PathError(string path)
    {
        try
        {
            FieldPath.Parse(path);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}
