using System.Text.Json;
using Airlock.Storage;
using Microsoft.Data.Sqlite;

namespace Airlock.Approvals;

/// <summary>Approvals and their votes in the store, so a decision reaches every gateway node and survives restarts.</summary>
internal sealed class SqliteApprovalStore(SqliteDatabase database)
{
    private const string Columns = "id, created_at, expires_at, status, session_id, requester, connection, action, resources, parameters, fingerprint, approver_groups, quorum, reason, uses_left";

    public async Task CreateAsync(Approval approval, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO approvals ({Columns}) VALUES ($id, $created, $expires, $status, $session, $requester, $conn, $action, $resources, $parameters, $fingerprint, $groups, $quorum, NULL, 1)";
        command.Parameters.AddWithValue("$id", approval.Id);
        command.Parameters.AddWithValue("$created", StoreTime.Format(approval.CreatedAt));
        command.Parameters.AddWithValue("$expires", StoreTime.Format(approval.ExpiresAt));
        command.Parameters.AddWithValue("$status", approval.Status);
        command.Parameters.AddWithValue("$session", approval.SessionId);
        command.Parameters.AddWithValue("$requester", approval.Requester);
        command.Parameters.AddWithValue("$conn", approval.Connection);
        command.Parameters.AddWithValue("$action", approval.Action);
        command.Parameters.AddWithValue("$resources", string.Join('\n', approval.Resources));
        command.Parameters.AddWithValue("$parameters", JsonSerializer.Serialize(approval.Parameters));
        command.Parameters.AddWithValue("$fingerprint", approval.Fingerprint);
        command.Parameters.AddWithValue("$groups", string.Join('\n', approval.ApproverGroups));
        command.Parameters.AddWithValue("$quorum", approval.Quorum);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Approval?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $p1", id, null, cancellationToken)).FirstOrDefault();

    /// <summary>The newest approval of this exact call that is still pending or usable.</summary>
    public async Task<Approval?> FindForCallAsync(string sessionId, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE session_id = $p1 AND fingerprint = $p2 AND status IN ('pending', 'approved') AND expires_at > $now ORDER BY created_at DESC",
            sessionId, fingerprint, cancellationToken, now)).FirstOrDefault();

    public async Task<IReadOnlyList<Approval>> ListAsync(string? status, CancellationToken cancellationToken) =>
        status is null
            ? await QueryAsync("ORDER BY created_at DESC LIMIT 5000", null, null, cancellationToken)
            : await QueryAsync("WHERE status = $p1 ORDER BY created_at DESC LIMIT 5000", status, null, cancellationToken);

    /// <summary>Records a vote and settles the approval: one deny denies; quorum approvals approve.</summary>
    /// <param name="uses">On approval: how many times the call may pass.</param>
    /// <param name="validUntil">On approval: until when the approval may be used.</param>
    /// <returns>The approval after the vote, or null when this approver already voted or it is no longer pending.</returns>
    public async Task<Approval?> VoteAsync(string id, ApprovalVote vote, CancellationToken cancellationToken, int uses = 1, DateTimeOffset? validUntil = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            // One vote per approver (the primary key), and only while the approval is pending.
            insert.CommandText = """
                INSERT OR IGNORE INTO approval_votes (approval_id, approver, decision, reason, at)
                SELECT $id, $who, $decision, $reason, $at WHERE EXISTS (SELECT 1 FROM approvals WHERE id = $id AND status = 'pending')
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$who", vote.Approver);
            insert.Parameters.AddWithValue("$decision", vote.Decision);
            insert.Parameters.AddWithValue("$reason", (object?)vote.Reason ?? DBNull.Value);
            insert.Parameters.AddWithValue("$at", StoreTime.Format(vote.At));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }

        var approval = (await QueryAsync(connection, "WHERE id = $p1", id, null, null, cancellationToken)).Single();
        var status = approval.Votes.Any(v => v.Decision == "deny") ? "denied"
            : approval.Votes.Count(v => v.Decision == "approve") >= approval.Quorum ? "approved"
            : "pending";
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = """
                UPDATE approvals SET status = $status, reason = COALESCE($reason, reason),
                    uses_left = CASE WHEN $status = 'approved' THEN $uses ELSE uses_left END,
                    expires_at = CASE WHEN $status = 'approved' AND $until IS NOT NULL THEN $until ELSE expires_at END
                WHERE id = $id AND status = 'pending'
                """;
            update.Parameters.AddWithValue("$status", status);
            update.Parameters.AddWithValue("$uses", Math.Max(1, uses));
            update.Parameters.AddWithValue("$until", validUntil is { } until ? StoreTime.Format(until) : DBNull.Value);
            update.Parameters.AddWithValue("$reason", (object?)vote.Reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return approval with { Status = status, Reason = vote.Reason ?? approval.Reason };
    }

    /// <summary>Uses an approved approval once; false when its uses are spent (another retry took the last).</summary>
    public async Task<bool> ConsumeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE approvals SET uses_left = uses_left - 1, status = CASE WHEN uses_left <= 1 THEN 'used' ELSE 'approved' END
            WHERE id = $id AND status = 'approved' AND uses_left >= 1
            """;
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<List<Approval>> QueryAsync(string where, string? p1, string? p2, CancellationToken cancellationToken, DateTimeOffset? now = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await QueryAsync(connection, where, p1, p2, now, cancellationToken);
    }

    private static async Task<List<Approval>> QueryAsync(SqliteConnection connection, string where, string? p1, string? p2, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM approvals {where}";
        command.Parameters.AddWithValue("$p1", (object?)p1 ?? DBNull.Value);
        command.Parameters.AddWithValue("$p2", (object?)p2 ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", now is { } at ? StoreTime.Format(at) : DBNull.Value);
        var approvals = new List<Approval>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                approvals.Add(new Approval
                {
                    Id = reader.GetString(0),
                    CreatedAt = StoreTime.Parse(reader.GetString(1)),
                    ExpiresAt = StoreTime.Parse(reader.GetString(2)),
                    Status = reader.GetString(3),
                    SessionId = reader.GetString(4),
                    Requester = reader.GetString(5),
                    Connection = reader.GetString(6),
                    Action = reader.GetString(7),
                    Resources = reader.GetString(8).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    Parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9))!,
                    Fingerprint = reader.GetString(10),
                    ApproverGroups = reader.GetString(11).Split('\n', StringSplitOptions.RemoveEmptyEntries),
                    Quorum = reader.GetInt32(12),
                    Reason = reader.IsDBNull(13) ? null : reader.GetString(13),
                    UsesLeft = reader.GetInt32(14),
                });
            }
        }

        for (var i = 0; i < approvals.Count; i++)
        {
            approvals[i] = approvals[i] with { Votes = await VotesAsync(connection, approvals[i].Id, cancellationToken) };
        }

        return approvals;
    }

    private static async Task<List<ApprovalVote>> VotesAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT approver, decision, reason, at FROM approval_votes WHERE approval_id = $id ORDER BY at";
        command.Parameters.AddWithValue("$id", id);
        var votes = new List<ApprovalVote>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            votes.Add(new ApprovalVote(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), StoreTime.Parse(reader.GetString(3))));
        }

        return votes;
    }
}
