using System.Text.Json;
using System.Text.Json.Serialization;

namespace Airlock.Aws.Catalog;

/// <summary>
/// Reads the catalog into as little memory as it can be held in, for every gateway keeps all of it: each distinct
/// string once (<c>GET</c>, <c>/</c>, <c>Read</c> and member names recur across 18,000 operations), and its lists of
/// strings as arrays of their own length: 13.5 → 8.3 MB of the heap (<c>Airlock.Benchmarks catalog-memory</c>).
/// </summary>
internal static class CompactCatalogReading
{
    public static T? Read<T>(Stream json)
    {
        var strings = new PooledStrings();
        var read = JsonSerializer.Deserialize<T>(json, new JsonSerializerOptions { Converters = { strings, new ListsAsArrays() } });
        // The serializer may keep its options' converters in a cache of its own: the pool is not kept with them.
        strings.Forget();
        return read;
    }

    /// <summary>One instance per distinct value; a value already seen is looked up from the reader's bytes, not allocated again.</summary>
    private sealed class PooledStrings : JsonConverter<string>
    {
        private const int LongestPooled = 256;
        private HashSet<string> _pool = new(StringComparer.Ordinal);

        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Pooled(ref reader) : throw new JsonException($"Expected a string, found {reader.TokenType}.");

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Pooled(ref reader);

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        public void Forget() => _pool = new(StringComparer.Ordinal);

        private string Pooled(ref Utf8JsonReader reader)
        {
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > LongestPooled)
            {
                return reader.GetString()!;
            }

            // Unescaped UTF-8 never takes more chars than it has bytes.
            Span<char> chars = stackalloc char[LongestPooled];
            var value = chars[..reader.CopyString(chars)];
            var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(value, out var known))
            {
                return known;
            }

            var added = value.ToString();
            _pool.Add(added);
            return added;
        }
    }

    /// <summary>
    /// Lists of strings are read as arrays, not as lists with room to grow. Only these small ones: the serializer reads
    /// a whole value into one buffer before a converter of ours sees it, and a buffer the size of every service would
    /// stay in the shared array pool.
    /// </summary>
    private sealed class ListsAsArrays : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert == typeof(IReadOnlyList<string>) || typeToConvert == typeof(IReadOnlyList<string[]>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ArrayConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

        private sealed class ArrayConverter<T> : JsonConverter<IReadOnlyList<T>>
        {
            public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                var items = JsonSerializer.Deserialize<T[]>(ref reader, options) ?? [];
                return items.Length == 0 ? [] : items;
            }

            public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options) =>
                JsonSerializer.Serialize(writer, value.ToArray(), options);
        }
    }
}
