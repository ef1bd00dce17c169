using System.Text.Json;
using Airlock.Aws.Catalog;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>
/// Every curated operation → IAM action exception of <c>tools/iam-exceptions.json</c>, one case each: the embedded
/// catalog authorizes the operation as that action (the generator has already refused any action IAM does not list).
/// </summary>
public sealed class IamExceptionTests
{
    public static TheoryData<string, string, string> Exceptions()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var service in Curated("operations"))
        {
            foreach (var operation in service.Value.EnumerateObject())
            {
                data.Add(service.Name, operation.Name, operation.Value.GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Operation_IsAuthorizedAsTheCuratedAction(string service, string operation, string iamAction)
    {
        var model = ServiceCatalog.Default.Service(service);
        var op = model?.Operation(operation);

        Assert.NotNull(op);
        Assert.Equal(iamAction, model!.IamAction(op!));
        Assert.NotNull(op!.AccessLevel);
        Assert.Contains($"{model.ActionPrefix}:{operation}", ServiceCatalog.Default.OperationsAuthorizedAs(iamAction));
    }

    public static TheoryData<string, string, string, string> ParameterExceptions()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var service in Curated("withParameter"))
        {
            foreach (var operation in service.Value.EnumerateObject())
            {
                foreach (var parameter in operation.Value.EnumerateObject())
                {
                    data.Add(service.Name, operation.Name, parameter.Name, parameter.Value.GetString()!);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ParameterExceptions))]
    public void Operation_WithTheParameter_IsAuthorizedAsTheCuratedAction(string service, string operation, string parameter, string iamAction)
    {
        var model = ServiceCatalog.Default.Service(service)!;
        var op = model.Operation(operation)!;

        var without = new Airlock.Aws.Resolution.ResolvedOperation(model, op, [], new Dictionary<string, string>(), model.Protocol);
        var with = without with { Parameters = new Dictionary<string, string> { [parameter] = "v1" } };

        Assert.NotEqual(iamAction, without.IamAction);
        Assert.Equal(iamAction, with.IamAction);
        Assert.NotNull(with.AccessLevel);
    }

    public static TheoryData<string, string> Prefixes()
    {
        var data = new TheoryData<string, string>();
        foreach (var prefix in Curated("prefixes"))
        {
            data.Add(prefix.Name, prefix.Value.GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void SigningName_IsAuthorizedUnderTheCuratedPrefix(string signingName, string iamPrefix)
    {
        var services = ServiceCatalog.Default.BySigningName(signingName);

        Assert.NotEmpty(services);
        Assert.Contains(services.SelectMany(s => s.Operations.Select(o => s.IamAction(o))),
            action => action is not null && action.StartsWith(iamPrefix + ":", StringComparison.Ordinal));
    }

    /// <summary>One section of <c>tools/iam-exceptions.json</c>.</summary>
    private static JsonElement.ObjectEnumerator Curated(string section) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "tools", "iam-exceptions.json"))).RootElement.GetProperty(section).EnumerateObject();
}
