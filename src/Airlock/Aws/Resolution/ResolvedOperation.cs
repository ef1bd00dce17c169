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
    /// <summary>The operation's own name in policy (<c>s3:ListObjectsV2</c>): what ran, as the record names it.</summary>
    public string Action => $"{Service.ActionPrefix}:{Operation.Name}";

    /// <summary>
    /// The IAM action the call is authorized as (<c>s3:ListBucket</c>; <c>s3:GetObjectVersion</c> for a GetObject of
    /// one version); null where IAM lists none.
    /// </summary>
    public string? IamAction => AuthorizedAs?.Action ?? (ByParameter is { } by ? by[1] : Service.IamAction(Operation));

    /// <summary>IAM's access level of <see cref="IamAction"/>.</summary>
    public string? AccessLevel => AuthorizedAs?.AccessLevel ?? (ByParameter is { } by ? by[2] : Operation.AccessLevel);

    /// <summary>What the call's body says it is authorized as (a PartiQL statement's verb); null: the catalog's action.</summary>
    public Authorization? AuthorizedAs { get; init; }

    private IReadOnlyList<string>? ByParameter =>
        Operation.IamWithParameter is { Count: 3 } with && Parameters.TryGetValue(with[0], out var value) && value.Length > 0 ? with : null;

    /// <summary>
    /// The body to send upstream in place of the caller's, rebuilt from what Airlock read (a query form re-encoded, a
    /// json body with its form delimiters escaped), so that no upstream can read it as another call; null: the caller's.
    /// </summary>
    public ReadOnlyMemory<byte>? UpstreamBody { get; init; }

    /// <summary>The permissions the call needs besides <see cref="Action"/> on <see cref="Resources"/> (a copy's source, each key deleted).</summary>
    public IReadOnlyList<Authorization> AlsoRequires { get; init; } = [];

    /// <summary>
    /// The parameters the audit trail may keep: not the members the model marks sensitive (nor their
    /// list items), every value cut at 256 characters.
    /// </summary>
    public IReadOnlyDictionary<string, string> RecordableParameters()
    {
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Parameters)
        {
            var member = name.Split('.')[0];
            if (!Operation.SensitiveInput.Contains(member, StringComparer.Ordinal))
            {
                recorded[name] = value.Length > 256 ? value[..256] : value;
            }
        }

        return recorded;
    }
}
