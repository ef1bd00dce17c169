using Airlock.Aws.Catalog;

namespace Airlock.Aws.Resolution;

/// <summary>What a call is: its service, operation, the policy action and the resources it touches.</summary>
internal sealed record ResolvedOperation(
    ServiceModel Service,
    OperationModel Operation,
    IReadOnlyList<string> Resources,
    IReadOnlyDictionary<string, string> Parameters)
{
    public string Action => $"{Service.ActionPrefix}:{Operation.Name}";
}
