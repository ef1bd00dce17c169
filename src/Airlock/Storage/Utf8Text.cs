using System.Text;

namespace Airlock.Storage;

/// <summary>
/// A text parameter already encoded as UTF-8, as the writer serializes records: SQLite stores it as it is,
/// other databases get it as a string.
/// </summary>
internal readonly record struct Utf8Text(ReadOnlyMemory<byte> Bytes)
{
    public override string ToString() => Encoding.UTF8.GetString(Bytes.Span);
}
