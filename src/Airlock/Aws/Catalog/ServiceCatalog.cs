using System.Collections.Concurrent;
using Airlock.Primitives;

namespace Airlock.Aws.Catalog;

/// <summary>
/// Every AWS service and operation, generated from botocore's official models by
/// <c>tools/generate-catalog.py</c> and embedded in the binary. The services are known from the start; each one's
/// operations are read when first needed (<see cref="ServiceModel.Operations"/>).
/// </summary>
internal sealed class ServiceCatalog
{
    private readonly Dictionary<string, ServiceModel> _byId;
    private readonly Dictionary<string, ServiceModel[]> _bySigningName;
    private readonly Dictionary<string, ServiceModel[]> _byIamPrefix;
    private readonly Lazy<IReadOnlySet<string>> _iamActionsWithoutOperation;
    private readonly ConcurrentDictionary<string, Dictionary<string, IamActionInfo>> _iamActionsByPrefix = new(StringComparer.OrdinalIgnoreCase);

    public ServiceCatalog(IReadOnlyList<ServiceModel> services, string source, IReadOnlyDictionary<string, string[]>? iamActionsWithoutOperation = null)
        : this(services, source, () => iamActionsWithoutOperation ?? new Dictionary<string, string[]>())
    {
    }

    private ServiceCatalog(IReadOnlyList<ServiceModel> services, string source, Func<IReadOnlyDictionary<string, string[]>> iamActionsWithoutOperation)
    {
        Services = services;
        Source = source;
        _iamActionsWithoutOperation = new(() => iamActionsWithoutOperation()
            .SelectMany(p => p.Value.Select(name => $"{p.Key}:{name}")).ToHashSet(StringComparer.OrdinalIgnoreCase));
        _byId = services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _bySigningName = services
            .GroupBy(s => s.SigningName, StringComparer.Ordinal)
            // The service whose id is the signing name is the one callers usually mean (s3, not s3control).
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Id == g.Key ? 0 : 1).ThenBy(s => s.Id, StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);
        _byIamPrefix = services
            .SelectMany(s => s.IamPrefixes.Prepend(s.ActionPrefix).Select(prefix => (Prefix: prefix, Service: s)))
            .GroupBy(p => p.Prefix, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Service).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<ServiceModel> Services { get; }

    public string Source { get; }

    public ServiceModel? Service(string id) => _byId.GetValueOrDefault(id);

    public IReadOnlyList<ServiceModel> BySigningName(string signingName) =>
        _bySigningName.GetValueOrDefault(signingName) ?? [];

    /// <summary>
    /// The IAM actions no API operation is authorized as (<c>s3:GetObjectVersion</c> is one only with a VersionId;
    /// <c>s3:BypassGovernanceRetention</c> is a permission, not a call): a policy may name them, to no effect on any call.
    /// </summary>
    public IReadOnlySet<string> IamActionsWithoutOperation => _iamActionsWithoutOperation.Value;

    /// <summary>
    /// The IAM service prefixes (<c>cloudwatch</c> beside the signing name <c>monitoring</c>): those some operation is
    /// authorized under first, then those of the actions no operation is authorized as, read only if asked for.
    /// </summary>
    public IEnumerable<string> IamPrefixes =>
        _byIamPrefix.Keys.Concat(IamActionsWithoutOperation.Select(a => a[..a.IndexOf(':')]).Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>The IAM action some operation is authorized as, with its access level and operations; null when none is.</summary>
    public IamActionInfo? IamAction(string iamAction)
    {
        var colon = iamAction.IndexOf(':');
        return colon > 0 && IamActionsOf(iamAction[..colon], keep: true).TryGetValue(iamAction, out var info) ? info : null;
    }

    /// <summary>
    /// The IAM actions some operation is authorized as under the prefixes <paramref name="prefixPattern"/> matches
    /// (<c>s3</c>, <c>*</c>), a prefix at a time, so that a caller who stops at the first it wants reads no more
    /// services than it must. A pattern's services are looked through without being kept; a prefix's are kept.
    /// </summary>
    public IEnumerable<string> IamActionNames(string prefixPattern)
    {
        var keep = !Wildcard.IsPattern(prefixPattern);
        return _byIamPrefix.Keys.Where(p => Wildcard.Matches(prefixPattern, p))
            .SelectMany(prefix => IamActionsOf(prefix, keep).Keys);
    }

    /// <summary>The operations (<c>s3:ListObjectsV2</c>, <c>s3:HeadBucket</c>, …) IAM authorizes as <paramref name="iamAction"/>.</summary>
    public IReadOnlyList<string> OperationsAuthorizedAs(string iamAction) => IamAction(iamAction)?.Operations ?? [];

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
                    if (service.Id == "dynamodb" && operation.Name == "ExecuteStatement" && parameters?.GetValueOrDefault("Statement") is { } text
                        && Resolution.PartiQlStatement.Read(text).Statement is { } statement)
                    {
                        // IAM authorizes a PartiQL statement as its verb; a recorded statement cut short is left to the catalog.
                        return (statement.Action, statement.AccessLevel);
                    }

                    var call = new Resolution.ResolvedOperation(service, operation, [], parameters ?? new Dictionary<string, string>(), service.Protocol);
                    return (call.IamAction, call.AccessLevel);
                }
            }
        }

        return IamAction(action) is { } info ? (action, info.AccessLevel) : (null, null);
    }

    /// <summary>A prefix's IAM actions; kept when <paramref name="keep"/> (a policy or a call names the prefix), with its services' operations.</summary>
    private Dictionary<string, IamActionInfo> IamActionsOf(string prefix, bool keep)
    {
        if (_iamActionsByPrefix.TryGetValue(prefix, out var kept))
        {
            return kept;
        }

        var services = _byIamPrefix.GetValueOrDefault(prefix) ?? [];
        return keep ? _iamActionsByPrefix.GetOrAdd(prefix, p => BuildIamActions(p, services, keep: true)) : BuildIamActions(prefix, services, keep: false);
    }

    private static Dictionary<string, IamActionInfo> BuildIamActions(string prefix, IEnumerable<ServiceModel> services, bool keep)
    {
        var actions = new Dictionary<string, (string Level, List<string> Operations)>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            foreach (var operation in service.ReadOperations(keep))
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
            // The services under a prefix also carry actions of their other prefixes: those are kept under theirs.
            if (!iam.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || iam.Length <= prefix.Length || iam[prefix.Length] != ':')
            {
                return;
            }

            if (!actions.TryGetValue(iam, out var known))
            {
                actions[iam] = known = (level, new List<string>(1));
            }

            known.Operations.Add(operation);
        }
    }

    private static readonly Lazy<ServiceCatalog> Embedded = new(ReadEmbedded);

    public static ServiceCatalog Default => Embedded.Value;

    /// <summary>A catalog of its own from the embedded one, none of its services read yet.</summary>
    internal static ServiceCatalog ReadEmbedded()
    {
        var archive = new EmbeddedCatalogArchive("catalog.zip");
        var index = archive.Read<CatalogIndex>("index.json") ?? throw new InvalidOperationException("The operation catalog is empty.");
        foreach (var service in index.Services)
        {
            service.OperationSource = s => archive.Read<OperationModel[]>($"services/{s.Id}.json")
                ?? throw new InvalidOperationException($"The operation catalog has no operations for {s.Id}.");
        }

        return new ServiceCatalog(index.Services, index.Source,
            () => archive.Read<Dictionary<string, string[]>>("iam-actions-without-operation.json") ?? []);
    }

    internal sealed record CatalogIndex(
        [property: System.Text.Json.Serialization.JsonPropertyName("source")] string Source,
        [property: System.Text.Json.Serialization.JsonPropertyName("services")] IReadOnlyList<ServiceModel> Services);
}

/// <summary>One IAM action: its access level and the operations authorized as it.</summary>
internal sealed record IamActionInfo(string AccessLevel, IReadOnlyList<string> Operations);
