using System.Xml.Linq;
using Airlock.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Airlock.WebConsole;

/// <summary>
/// The console's data-protection key ring (what seals its cookies and antiforgery tokens), kept in the node's store:
/// every node behind a load balancer reads the same keys, so a console session holds on any of them, and a restart
/// keeps it. Each key is sealed with the store's secret key first: the store alone cannot forge a console session.
/// </summary>
internal sealed class StoreKeyRepository(IStateDatabase database, SecretSeal seal, TimeProvider time) : IXmlRepository
{
    private const string BoundTo = "console-key";

    // The data-protection stack asks synchronously, when it loads its key ring (at start, then about once a day) and
    // when it makes a key (every 90 days); never on a request's path once the ring is loaded.
    public IReadOnlyCollection<XElement> GetAllElements() => ReadAsync().GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => WriteAsync(element, friendlyName).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAsync()
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.Command(null, "SELECT name, sealed_xml FROM console_keys ORDER BY created_at");
        await using var reader = await command.ExecuteReaderAsync();
        var elements = new List<XElement>();
        while (await reader.ReadAsync())
        {
            elements.Add(XElement.Parse(seal.Open(reader.GetString(1), BoundTo + ":" + reader.GetString(0))));
        }

        return elements;
    }

    private async Task WriteAsync(XElement element, string name)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.Command(null, "INSERT INTO console_keys (name, sealed_xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            ("@name", name), ("@xml", seal.Seal(element.ToString(SaveOptions.DisableFormatting), BoundTo + ":" + name)), ("@at", StoreTime.Format(time.GetUtcNow())));
        await command.ExecuteNonQueryAsync();
    }
}
