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

    public ServiceCatalog(IReadOnlyList<ServiceModel> services, string source)
    {
        Services = services;
        Source = source;
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

    private static readonly Lazy<ServiceCatalog> Embedded = new(LoadEmbedded);

    public static ServiceCatalog Default => Embedded.Value;

    private static ServiceCatalog LoadEmbedded()
    {
        using var resource = typeof(ServiceCatalog).Assembly.GetManifestResourceStream("catalog.json.gz")
            ?? throw new InvalidOperationException("The operation catalog is missing from the build.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        var doc = JsonSerializer.Deserialize<CatalogDocument>(gzip)
            ?? throw new InvalidOperationException("The operation catalog is empty.");
        return new ServiceCatalog(doc.Services, doc.Source);
    }

    private sealed record CatalogDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("source")] string Source,
        [property: System.Text.Json.Serialization.JsonPropertyName("services")] IReadOnlyList<ServiceModel> Services);
}
