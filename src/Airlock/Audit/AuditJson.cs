using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Airlock.Audit;

/// <summary>
/// How records are written into the audit store: serializers generated at build time, no reflection on the data path.
/// A record's log entry (<see cref="JsonSerializerContext"/>'s default options) takes the generated fast path,
/// which only default escaping allows. The row's JSON columns (<see cref="Stored"/>) keep relaxed escaping, since
/// they are searched as text: a parameter <c>O'Brien</c> stays <c>O'Brien</c>, not <c>O\u0027Brien</c>.
/// </summary>
[JsonSourceGenerationOptions]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(AuditCompletion))]
[JsonSerializable(typeof(Chain.Checkpoint))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, double>))]
internal sealed partial class AuditJson : JsonSerializerContext
{
    public static AuditJson Stored { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The JSON every export (the CLI's, the console's) and <c>--json</c> output uses, one record per line.</summary>
    public static readonly JsonSerializerOptions Export = new(JsonSerializerDefaults.Web);

    /// <summary>A record's JSON, or null for an empty one (the column stays NULL).</summary>
    public static string? OrNull(IReadOnlyDictionary<string, string> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values, Stored.IReadOnlyDictionaryStringString);

    /// <inheritdoc cref="OrNull(IReadOnlyDictionary{string, string})"/>
    public static string? OrNull(IReadOnlyDictionary<string, double> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values, Stored.IReadOnlyDictionaryStringDouble);
}
