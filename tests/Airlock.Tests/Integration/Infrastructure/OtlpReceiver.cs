using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// An OTLP/HTTP trace receiver on loopback: keeps each export's bytes as sent, and reads their spans with the few
/// fields of OpenTelemetry's trace protobuf the tests check (a minimal reader of the protobuf wire format).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<byte[]> Exports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var app = LoopbackServer.Create();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Exports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        receiver.Url = await LoopbackServer.StartAsync(app);
        return receiver;
    }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Spans() =>
        Exports.SelectMany(export => Fields(export).Where(f => f.Number == 1) // ResourceSpans
            .SelectMany(resource => Fields(resource.Bytes).Where(f => f.Number == 2)) // ScopeSpans
            .SelectMany(scope => Fields(scope.Bytes).Where(f => f.Number == 2)) // Span
            .Select(span => ReadSpan(span.Bytes))).ToList();

    private static ReceivedSpan ReadSpan(byte[] span)
    {
        var fields = Fields(span);
        string Hex(int number) => Convert.ToHexString(fields.FirstOrDefault(f => f.Number == number).Bytes ?? []).ToLowerInvariant();
        var attributes = new Dictionary<string, string>();
        foreach (var pair in fields.Where(f => f.Number == 9).Select(f => Fields(f.Bytes)))
        {
            var key = System.Text.Encoding.UTF8.GetString(pair.First(f => f.Number == 1).Bytes);
            var value = Fields(pair.First(f => f.Number == 2).Bytes).First();
            // AnyValue: 1 string, 3 int (varint); the others are not used by Airlock's spans.
            attributes[key] = value.Number == 1 ? System.Text.Encoding.UTF8.GetString(value.Bytes) : ((long)value.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var events = fields.Where(f => f.Number == 11)
            .Select(e => System.Text.Encoding.UTF8.GetString(Fields(e.Bytes).First(f => f.Number == 2).Bytes)).ToList();
        return new ReceivedSpan(Hex(1), Hex(4), System.Text.Encoding.UTF8.GetString(fields.First(f => f.Number == 5).Bytes), attributes, events);
    }

    private readonly record struct Field(int Number, byte[] Bytes, ulong Varint);

    /// <summary>The fields of one protobuf message: varints, fixed widths and length-delimited bytes.</summary>
    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var at = 0;
        ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        while (at < message.Length)
        {
            var tag = Varint();
            var (number, wire) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, [], Varint()));
                    break;
                case 1:
                    fields.Add(new Field(number, message[at..(at + 8)], 0));
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint();
                    fields.Add(new Field(number, message[at..(at + length)], 0));
                    at += length;
                    break;
                case 5:
                    fields.Add(new Field(number, message[at..(at + 4)], 0));
                    at += 4;
                    break;
                default:
                    throw new FormatException($"protobuf wire type {wire} is not read here");
            }
        }

        return fields;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One span as exported: its trace, its parent, its name, its attributes (strings and integers) and its events' names.</summary>
public sealed record ReceivedSpan(string TraceId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Events);
