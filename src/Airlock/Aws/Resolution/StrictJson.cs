using System.Buffers;
using System.Text.Json;
using Airlock.Primitives;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The json bodies Airlock forwards: one object, valid UTF-8, no lone surrogate in any escape, no name twice in one
/// object. Whatever two parsers could read differently (the first or the last of two names, a surrogate replaced or
/// refused) is refused instead, so the call Airlock decides on is the call the upstream runs.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonReaderOptions Options = BodyNesting.ReaderOptions;

    /// <summary>How many names of one object are compared one by one before a set takes over.</summary>
    private const int ScannedNames = 32;

    /// <summary>Why <paramref name="body"/> is not a strict json object, or null when it is.</summary>
    public static string? Check(ReadOnlySpan<byte> body)
    {
        // The names of the objects being read, as (start, length) in the body, and where each open object's names begin:
        // rented, since this runs for every json call.
        var names = ArrayPool<int>.Shared.Rent(64);
        var levels = ArrayPool<int>.Shared.Rent(Options.MaxDepth + 1);
        try
        {
            return Check(body, ref names, levels);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(names);
            ArrayPool<int>.Shared.Return(levels);
        }
    }

    private static string? Check(ReadOnlySpan<byte> body, ref int[] names, int[] levels)
    {
        var reader = new Utf8JsonReader(body, Options);
        int count = 0, depth = 0;
        var asText = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "the body is not a json object";
            }

            levels[depth++] = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        levels[depth++] = count;
                        break;
                    case JsonTokenType.EndObject:
                        count = levels[--depth];
                        break;
                    case JsonTokenType.PropertyName when asText || reader.ValueIsEscaped || count - levels[depth - 1] >= 2 * ScannedNames:
                        // Rare: names written with escapes are compared as the text they stand for, and an object this
                        // large with sets (scanning its names for each new one is quadratic: a 10 MiB body of short
                        // names would keep a core busy for minutes), once the whole body has been read as valid json.
                        asText = true;
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.ValueSpan;
                        var start = (int)reader.TokenStartIndex + 1;
                        for (var i = levels[depth - 1]; i < count; i += 2)
                        {
                            if (body.Slice(names[i], names[i + 1]).SequenceEqual(name))
                            {
                                return $"the name '{Quoted.Short(reader.GetString()!)}' appears twice in one object";
                            }
                        }

                        if (count + 2 > names.Length)
                        {
                            var larger = ArrayPool<int>.Shared.Rent(names.Length * 2);
                            names.AsSpan(0, count).CopyTo(larger);
                            ArrayPool<int>.Shared.Return(names);
                            names = larger;
                        }

                        names[count++] = start;
                        names[count++] = name.Length;
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // Raw UTF-8 is checked by the reader; an escape can still name half a surrogate pair.
                        reader.GetString();
                        break;
                }
            }

            return asText ? CheckNamesAsText(body) : null;
        }
        catch (JsonException) when (reader.CurrentDepth >= Options.MaxDepth - 1)
        {
            return $"the body nests deeper than {Options.MaxDepth} levels";
        }
        catch (JsonException e)
        {
            return $"the body is not valid json (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
        }
        catch (InvalidOperationException)
        {
            return "a json string holds half a UTF-16 surrogate pair";
        }
    }

    // Called inside Check's try, once its reader has read the whole body as json: only a name's escape (half a surrogate
    // pair) can still throw, and that is Check's to answer.
    private static string? CheckNamesAsText(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, Options);
        var names = new List<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    names.Add(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    names.RemoveAt(names.Count - 1);
                    break;
                case JsonTokenType.PropertyName when !names[^1].Add(reader.GetString()!):
                    return $"the name '{Quoted.Short(reader.GetString()!)}' appears twice in one object";
            }
        }

        return null;
    }

    /// <summary>
    /// The same json with every <c>&amp;</c> and <c>;</c> written as a \u escape (both can only stand inside strings):
    /// the same value to every json parser, and no longer readable as a form whose fields could name another operation.
    /// Null when there is none.
    /// </summary>
    public static byte[]? WithoutFormDelimiters(ReadOnlySpan<byte> body)
    {
        var count = 0;
        foreach (var b in body)
        {
            count += b is (byte)'&' or (byte)';' ? 1 : 0;
        }

        if (count == 0)
        {
            return null;
        }

        var escaped = new byte[body.Length + count * 5];
        var at = 0;
        foreach (var b in body)
        {
            if (b is (byte)'&' or (byte)';')
            {
                (b == '&' ? "\\u0026"u8 : "\\u003b"u8).CopyTo(escaped.AsSpan(at));
                at += 6;
            }
            else
            {
                escaped[at++] = b;
            }
        }

        return escaped;
    }
}
