using System.Text;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Load;

/// <summary>
/// The durable floor's record kept as Airlock keeps it (<c>floor ... --trail</c>): through Airlock's own audit store,
/// so each call writes what the product's trail requires, a decision chained and queryable before the call runs and
/// its outcome after, with the recorded request (parameters, headers, body's start) and the response's start. The
/// floor with it measures what that trail costs on top of the rules, apart from Airlock's other stages.
/// </summary>
internal sealed class FloorTrail : IAsyncDisposable
{
    private const int RecordedBytes = 4096;
    private const int ValueChars = 256;

    // What Airlock never records of a caller's headers.
    private static readonly HashSet<string> NotRecorded = new(StringComparer.OrdinalIgnoreCase) { "Authorization", "X-Amz-Security-Token" };

    private readonly AuditStore _store;

    public FloorTrail(string databasePath)
    {
        var database = new SqliteDatabase(databasePath);
        database.EnsureSchema();
        _store = new AuditStore(new SqliteAuditDatabase(database), new AuditOptions(), database.Beside("audit-signing.key"), TimeProvider.System);
    }

    /// <summary>The call's decision, durable (chained and in the queryable table) when the task ends.</summary>
    public Task<long> DecideAsync(HttpRequest request, string accessKeyId, string service, string region, byte[] body,
        Dictionary<string, string> parameters, DateTimeOffset now, double verifyMs)
    {
        var target = request.Headers["x-amz-target"].ToString();
        var operation = target.Split('.') is [.., var last] ? last : target;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            if (!NotRecorded.Contains(name))
            {
                headers[name.ToLowerInvariant()] = values.ToString();
            }
        }

        return _store.AppendAsync(new AuditEntry
        {
            RequestId = Guid.NewGuid().ToString("N"),
            Time = now,
            Principal = accessKeyId,
            // Airlock's records carry a session and a connection; the session index is written for each.
            SessionId = "floor-session",
            AccessKeyId = accessKeyId,
            Connection = "bench",
            Service = service,
            Operation = operation,
            Action = $"{service}:{operation}",
            Region = region,
            Resources = parameters.TryGetValue("TableName", out var table) ? [$"arn:aws:{service}:{region}:123456789012:table/{table}"] : [],
            Parameters = parameters,
            Decision = "allow",
            ClientIp = request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            Method = request.Method,
            Path = request.Path + request.QueryString,
            UserAgent = request.Headers.UserAgent.ToString(),
            Headers = headers,
            RequestBody = body.Length == 0 ? null : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, RecordedBytes)),
            Timings = new Dictionary<string, double> { ["verify"] = verifyMs },
        }, CancellationToken.None);
    }

    /// <summary>Queues the call's outcome with the response's start; nothing waits for it, as in Airlock.</summary>
    public void Complete(long id, int status, double latencyMs, double upstreamMs, ReadOnlySpan<byte> response, string? upstreamRequestId) =>
        _ = _store.CompleteAsync(id, new AuditCompletion(status, latencyMs, null)
        {
            Timings = new Dictionary<string, double> { ["upstream"] = upstreamMs },
            Response = response[..Math.Min(response.Length, RecordedBytes)].ToArray(),
            UpstreamRequestId = upstreamRequestId,
        }, CancellationToken.None);

    /// <summary>A json body's top-level members, each value's text cut as Airlock cuts it.</summary>
    public static Dictionary<string, string> Parameters(JsonElement body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return parameters;
        }

        foreach (var member in body.EnumerateObject())
        {
            var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
            parameters[member.Name] = text.Length > ValueChars ? text[..ValueChars] : text;
        }

        return parameters;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
