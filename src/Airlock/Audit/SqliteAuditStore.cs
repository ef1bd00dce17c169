using Airlock.Identity;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

namespace Airlock.Audit;

/// <summary>The audit trail in the embedded SQLite store.</summary>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    public async Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit (request_id, time, principal, session_id, access_key_id, connection, service, operation, resources,
                               decision, reason, client_ip, upstream_status, latency_ms, action, region, parameters)
            VALUES ($rid, $time, $principal, $session, $ak, $conn, $service, $op, $resources, $decision, $reason, $ip, $status, $latency,
                    $action, $region, $parameters)
            RETURNING id
            """;
        command.Parameters.AddWithValue("$rid", entry.RequestId);
        command.Parameters.AddWithValue("$time", SqliteSessionStore.Format(entry.Time));
        command.Parameters.AddWithValue("$principal", (object?)entry.Principal ?? DBNull.Value);
        command.Parameters.AddWithValue("$session", (object?)entry.SessionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$ak", (object?)entry.AccessKeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$conn", (object?)entry.Connection ?? DBNull.Value);
        command.Parameters.AddWithValue("$service", (object?)entry.Service ?? DBNull.Value);
        command.Parameters.AddWithValue("$op", (object?)entry.Operation ?? DBNull.Value);
        command.Parameters.AddWithValue("$resources", string.Join('\n', entry.Resources));
        command.Parameters.AddWithValue("$decision", entry.Decision);
        command.Parameters.AddWithValue("$reason", (object?)entry.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$ip", (object?)entry.ClientIp ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)entry.UpstreamStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$latency", (object?)entry.LatencyMs ?? DBNull.Value);
        command.Parameters.AddWithValue("$action", (object?)entry.Action ?? DBNull.Value);
        command.Parameters.AddWithValue("$region", (object?)entry.Region ?? DBNull.Value);
        command.Parameters.AddWithValue("$parameters", entry.Parameters.Count == 0 ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(entry.Parameters));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE audit SET upstream_status = $status, latency_ms = $latency, reason = COALESCE($reason, reason), completed_at = $now,
                             masked = $masked, response = $response
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$status", (object?)completion.UpstreamStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$latency", completion.LatencyMs);
        command.Parameters.AddWithValue("$reason", (object?)completion.Failure ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", SqliteSessionStore.Format(DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$masked", completion.Masked.Count == 0 ? DBNull.Value : string.Join('\n', completion.Masked));
        command.Parameters.AddWithValue("$response", (object?)completion.Response ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> TailAsync(int count, long afterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT * FROM (
                SELECT id, request_id, time, principal, session_id, access_key_id, connection, service, operation, resources,
                       decision, reason, client_ip, upstream_status, latency_ms, action, region, parameters, masked, response
                FROM audit WHERE id > $after ORDER BY id DESC LIMIT $count)
            ORDER BY id
            """;
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$count", count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static AuditEntry Read(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        RequestId = r.GetString(1),
        Time = SqliteSessionStore.Parse(r.GetString(2)),
        Principal = r.IsDBNull(3) ? null : r.GetString(3),
        SessionId = r.IsDBNull(4) ? null : r.GetString(4),
        AccessKeyId = r.IsDBNull(5) ? null : r.GetString(5),
        Connection = r.IsDBNull(6) ? null : r.GetString(6),
        Service = r.IsDBNull(7) ? null : r.GetString(7),
        Operation = r.IsDBNull(8) ? null : r.GetString(8),
        Resources = r.IsDBNull(9) ? [] : r.GetString(9).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        Decision = r.GetString(10),
        Reason = r.IsDBNull(11) ? null : r.GetString(11),
        ClientIp = r.IsDBNull(12) ? null : r.GetString(12),
        UpstreamStatus = r.IsDBNull(13) ? null : r.GetInt32(13),
        LatencyMs = r.IsDBNull(14) ? null : r.GetDouble(14),
        Action = r.IsDBNull(15) ? null : r.GetString(15),
        Region = r.IsDBNull(16) ? null : r.GetString(16),
        Parameters = r.IsDBNull(17) ? new Dictionary<string, string>() : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(17))!,
        Masked = r.IsDBNull(18) ? [] : r.GetString(18).Split('\n'),
        Response = r.IsDBNull(19) ? null : r.GetString(19),
    };
}
