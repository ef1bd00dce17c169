namespace Airlock.Aws.Resolution;

/// <summary>Parses application/x-www-form-urlencoded bodies, where '+' means a space.</summary>
internal static class FormBody
{
    public static List<KeyValuePair<string, string>> Parse(string body)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return pairs;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
