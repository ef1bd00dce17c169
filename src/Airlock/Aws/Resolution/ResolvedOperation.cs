using Airlock.Aws.Catalog;

namespace Airlock.Aws.Resolution;

/// <summary>
/// What a call is: its service, operation, the policy action, the resources it touches, and the protocol
/// the caller spoke (older SDKs speak query to SQS, whose model is json now), which refusals must use.
/// </summary>
internal sealed record ResolvedOperation(
    ServiceModel Service,
    OperationModel Operation,
    IReadOnlyList<string> Resources,
    IReadOnlyDictionary<string, string> Parameters,
    string WireProtocol)
{
    public string Action => $"{Service.ActionPrefix}:{Operation.Name}";
}
