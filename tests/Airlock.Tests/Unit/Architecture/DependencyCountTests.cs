using System.Reflection;
using Xunit;

namespace Airlock.Tests.Unit.Architecture;

/// <summary>
/// A class that needs many collaborators does many things. The services the container builds take a handful each
/// (options and records, which carry data rather than behaviour, are not services and are not counted).
/// </summary>
public sealed class DependencyCountTests
{
    private const int MostDependencies = 6;

    [Fact]
    public void NoService_TakesMoreThanAHandfulOfDependencies()
    {
        var product = typeof(Airlock.Aws.Catalog.ServiceCatalog).Assembly;
        var crowded = product.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && !IsRecord(t) && t.Namespace?.StartsWith("Airlock.", StringComparison.Ordinal) == true)
            .Select(t => (Type: t, Count: t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Select(c => c.GetParameters().Count(p => IsService(p.ParameterType)))
                .DefaultIfEmpty(0).Min()))
            .Where(t => t.Count > MostDependencies)
            .Select(t => $"{t.Type.FullName}: {t.Count}")
            .ToList();

        Assert.True(crowded.Count == 0, $"classes with more than {MostDependencies} service dependencies:\n" + string.Join("\n", crowded));
    }

    /// <summary>A collaborator with behaviour: a product class or interface, a logger or the clock; not options, strings, delegates or values.</summary>
    private static bool IsService(Type type) =>
        type == typeof(TimeProvider) || type.Name.StartsWith("ILogger", StringComparison.Ordinal)
        || (type.Namespace?.StartsWith("Airlock.", StringComparison.Ordinal) == true && (type.IsInterface || type.IsClass)
            && !type.Name.EndsWith("Options", StringComparison.Ordinal) && !IsRecord(type) && !typeof(Delegate).IsAssignableFrom(type));

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;
}
