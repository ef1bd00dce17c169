using System.Collections;
using System.Reflection;

namespace Airlock.Hosting;

/// <summary>
/// Binds the configuration onto the options, with one correction: a list of strings the configuration names is
/// exactly what it names. The binder adds configured items to a list's defaults, so <c>algorithms: [ES256]</c> became
/// RS256, ES256, ES256, and a list could never be narrowed.
/// </summary>
internal static class ConfigBinding
{
    public static void Bind(IConfiguration configuration, AirlockOptions options)
    {
        configuration.Bind(options);
        ReplaceNamedLists(configuration, options);
    }

    private static void ReplaceNamedLists(IConfiguration section, object target)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var child = section.GetSection(property.Name);
            var items = child.GetChildren().ToList();
            if (items.Count == 0)
            {
                continue;
            }

            switch (property.GetValue(target))
            {
                case List<string> when property.CanWrite:
                    property.SetValue(target, items.OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value ?? "").ToList());
                    break;
                case IList list and not string[]:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is { } element && IsOptions(element))
                        {
                            ReplaceNamedLists(child.GetSection(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), element);
                        }
                    }

                    break;
                case { } nested when IsOptions(nested):
                    ReplaceNamedLists(child, nested);
                    break;
            }
        }
    }

    // Airlock's own option classes, not strings, collections or the types they hold.
    private static bool IsOptions(object value) =>
        value.GetType() is { IsClass: true } type && type != typeof(string) && type.Namespace?.StartsWith("Airlock", StringComparison.Ordinal) == true;
}
