using System.IO.Compression;

namespace Airlock.Aws.Catalog;

/// <summary>
/// The catalog as the build embeds it: a zip of one entry per service, read an entry at a time for the life of the
/// process. The resource is mapped from the assembly's file, so an entry not yet read costs no memory.
/// </summary>
internal sealed class EmbeddedCatalogArchive(string resourceName)
{
    // An archive reads its entries through one stream: one entry at a time.
    private readonly Lock _reading = new();

    private readonly ZipArchive _archive = new(
        typeof(EmbeddedCatalogArchive).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException("The operation catalog is missing from the build."),
        ZipArchiveMode.Read);

    public T? Read<T>(string entryName)
    {
        lock (_reading)
        {
            var entry = _archive.GetEntry(entryName) ?? throw new InvalidOperationException($"The operation catalog has no {entryName}.");
            using var stream = entry.Open();
            return CompactCatalogReading.Read<T>(stream);
        }
    }
}
