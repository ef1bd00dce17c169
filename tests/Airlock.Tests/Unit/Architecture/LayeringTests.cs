using System.Reflection;
using System.Reflection.Emit;
using Xunit;

namespace Airlock.Tests.Unit.Architecture;

/// <summary>
/// Modules layer one way (docs/how-it-works.md): Hosting and the CLI → front ends → the shared pipeline → the features,
/// each only on those below it → Storage and Aws → primitives. A type that references one of a higher layer fails here, whether in a
/// signature or inside a method body (read from its IL).
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Each module's layer: a module may reference its own and lower ones only.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["Primitives"] = 0, ["Hashing"] = 0, ["Telemetry"] = 0,
        ["Aws"] = 1, ["Storage"] = 1,
        ["Identity"] = 2, ["Policy"] = 3, ["Masking"] = 4, ["Upstream"] = 5, ["Audit"] = 6, ["Approvals"] = 7,
        ["Pipeline"] = 8,
        ["Gateway"] = 9, ["Health"] = 9, ["WebConsole"] = 9,
        ["Demo"] = 10,
        ["Hosting"] = 11, ["Cli"] = 11, [""] = 11,
    };

    private static readonly Assembly Product = typeof(Airlock.Aws.Catalog.ServiceCatalog).Assembly;

    [Fact]
    public void EveryModule_HasALayer()
    {
        var unknown = Product.GetTypes().Select(Module).Where(m => m is not null && !Layers.ContainsKey(m)).Distinct().ToList();

        Assert.True(unknown.Count == 0, $"modules without a layer: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void NoModule_ReferencesAHigherLayer()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Product.GetTypes())
        {
            if (Module(type) is not { } from || !Layers.TryGetValue(from, out var layer))
            {
                continue;
            }

            foreach (var referenced in References(type))
            {
                if (Module(referenced) is { } to && Layers.TryGetValue(to, out var toLayer) && toLayer > layer)
                {
                    violations.Add($"{Name(type)} ({from}) -> {Name(referenced)} ({to})");
                }
            }
        }

        Assert.True(violations.Count == 0, "references to higher layers:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCheck_SeesReferencesInsideMethodBodies()
    {
        // Guards the guard: a static call made only inside a body is found.
        Assert.Contains(typeof(Airlock.Aws.Catalog.ServiceCatalog), References(typeof(LayeringProbe)));
    }

    /// <summary>The module of a product type: the namespace segment after <c>Airlock</c> ("" for the root); null for other assemblies' types.</summary>
    private static string? Module(Type type)
    {
        if (type.Assembly != Product && type.Assembly != typeof(LayeringTests).Assembly)
        {
            return null;
        }

        var ns = type.Namespace ?? "";
        if (ns == "Airlock")
        {
            return "";
        }

        return ns.StartsWith("Airlock.", StringComparison.Ordinal) && !ns.StartsWith("Airlock.Tests", StringComparison.Ordinal)
            ? ns["Airlock.".Length..].Split('.')[0]
            : null;
    }

    private static string Name(Type type) => type.FullName ?? type.Name;

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var field in type.GetFields(all))
        {
            Add(field.FieldType);
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var used in BodyReferences(method))
            {
                Add(used);
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types a method body names: the declaring and value types of every method, field and type token in its IL.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (InvalidOperationException)
        {
            il = null;
        }

        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
            if (!OpCodesByValue.TryGetValue(value, out var op))
            {
                yield break;
            }

            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    MemberInfo? member;
                    try
                    {
                        member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                        member = null;
                    }

                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case FieldInfo f:
                            yield return f.DeclaringType!;
                            yield return f.FieldType;
                            break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi)
                            {
                                yield return mi.ReturnType;
                            }

                            break;
                    }

                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}

/// <summary>A type whose only reference to the catalog is inside a method body.</summary>
internal static class LayeringProbe
{
    public static int Count() => Airlock.Aws.Catalog.ServiceCatalog.Default.Services.Count;
}
