using System.IO.Compression;
using System.Text.Json;

namespace Airlock.Aws.Catalog;

/// <summary>
/// Every AWS service and operation, generated from botocore's official models by
/// <c>tools/generate-catalog.py</c> and embedded in the binary.
/// </summary>
internal sealed class ServiceCatalog
{
    private readonly Dictionary<string, ServiceModel> _byId;
    private readonly Dictionary<string, ServiceModel[]> _bySigningName;

    public ServiceCatalog(IReadOnlyList<ServiceModel> services, string source, IReadOnlyDictionary<string, string[]>? iamActionsWithoutOperation = null)
    {
        Services = services;
        Source = source;
        IamActionsWithoutOperation = (iamActionsWithoutOperation ?? new Dictionary<string, string[]>())
            .SelectMany(p => p.Value.Select(name => $"{p.Key}:{name}")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _byId = services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _bySigningName = services
            .GroupBy(s => s.SigningName, StringComparer.Ordinal)
            // The service whose id is the signing name is the one callers usually mean (s3, not s3control).
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Id == g.Key ? 0 : 1).ThenBy(s => s.Id, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
    }

    public IReadOnlyList<ServiceModel> Services { get; }

    public string Source { get; }

    public int OperationCount => Services.Sum(s => s.Operations.Count);

    public ServiceModel? Service(string id) => _byId.GetValueOrDefault(id);

    public IReadOnlyList<ServiceModel> BySigningName(string signingName) =>
        _bySigningName.GetValueOrDefault(signingName) ?? [];

    /// <summary>
    /// The IAM actions no API operation is authorized as (<c>s3:GetObjectVersion</c> is one only with a VersionId;
    /// <c>s3:BypassGovernanceRetention</c> is a permission, not a call): a policy may name them, to no effect on any call.
    /// </summary>
    public IReadOnlySet<string> IamActionsWithoutOperation { get; }

    private IReadOnlyDictionary<string, IamActionInfo>? _iamActions;

    /// <summary>Every IAM action some operation is authorized as, case-insensitively, with its access level and operations.</summary>
    public IReadOnlyDictionary<string, IamActionInfo> IamActions => _iamActions ??= BuildIamActions();

    private IReadOnlyList<string>? _iamPrefixes;

    /// <summary>The IAM service prefixes of the catalog's actions (<c>cloudwatch</c> beside the signing name <c>monitoring</c>).</summary>
    public IReadOnlyList<string> IamPrefixes => _iamPrefixes ??= IamActions.Keys.Concat(IamActionsWithoutOperation)
        .Select(a => a[..a.IndexOf(':')]).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>The operations (<c>s3:ListObjectsV2</c>, <c>s3:HeadBucket</c>, …) IAM authorizes as <paramref name="iamAction"/>.</summary>
    public IReadOnlyList<string> OperationsAuthorizedAs(string iamAction) =>
        IamActions.TryGetValue(iamAction, out var info) ? info.Operations : [];

    /// <summary>
    /// An action as policy tools are asked about it (<c>policy explain --action</c>): an operation name with its IAM action
    /// and level, or an IAM action with its level. Null parts where the catalog knows neither.
    /// </summary>
    public (string? IamAction, string? AccessLevel) Authorization(string action, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var colon = action.IndexOf(':');
        if (colon > 0)
        {
            foreach (var service in BySigningName(action[..colon]))
            {
                if (service.Operation(action[(colon + 1)..]) is { } operation)
                {
                    var call = new Resolution.ResolvedOperation(service, operation, [], parameters ?? new Dictionary<string, string>(), service.Protocol);
                    return (call.IamAction, call.AccessLevel);
                }
            }
        }

        return IamActions.TryGetValue(action, out var info) ? (action, info.AccessLevel) : (null, null);
    }

    private Dictionary<string, IamActionInfo> BuildIamActions()
    {
        var actions = new Dictionary<string, (string Level, List<string> Operations)>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in Services)
        {
            foreach (var operation in service.Operations)
            {
                // Most operations are authorized as themselves: the action's name and the operation's are one string.
                var name = $"{service.ActionPrefix}:{operation.Name}";
                if (operation.AccessLevel is { } level)
                {
                    Add(operation.IamName ?? name, level, name);
                }

                if (operation.IamWithParameter is [_, var action, var withLevel])
                {
                    Add(action, withLevel, name);
                }
            }
        }

        return actions.ToDictionary(p => p.Key, p => new IamActionInfo(p.Value.Level, [.. p.Value.Operations]), StringComparer.OrdinalIgnoreCase);

        void Add(string iam, string level, string operation)
        {
            if (!actions.TryGetValue(iam, out var known))
            {
                actions[iam] = known = (level, new List<string>(1));
            }

            known.Operations.Add(operation);
        }
    }

    private static readonly Lazy<ServiceCatalog> Embedded = new(LoadEmbedded);

    public static ServiceCatalog Default => Embedded.Value;

    private static ServiceCatalog LoadEmbedded()
    {
        using var resource = typeof(ServiceCatalog).Assembly.GetManifestResourceStream("catalog.json.gz")
            ?? throw new InvalidOperationException("The operation catalog is missing from the build.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        var doc = CompactCatalogReading.Read<CatalogDocument>(gzip)
            ?? throw new InvalidOperationException("The operation catalog is empty.");
        return new ServiceCatalog(doc.Services, doc.Source, doc.IamActionsWithoutOperation);
    }

    internal sealed record CatalogDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("source")] string Source,
        [property: System.Text.Json.Serialization.JsonPropertyName("services")] IReadOnlyList<ServiceModel> Services,
        [property: System.Text.Json.Serialization.JsonPropertyName("iamActionsWithoutOperation")] IReadOnlyDictionary<string, string[]>? IamActionsWithoutOperation);
}

/// <summary>One IAM action: its access level and the operations authorized as it.</summary>
internal sealed record IamActionInfo(string AccessLevel, IReadOnlyList<string> Operations);
