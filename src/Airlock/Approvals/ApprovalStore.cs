using System.Data.Common;
using System.Text.Json;
using Airlock.Storage;

namespace Airlock.Approvals;

/// <summary>Approvals and their votes in the store, so a decision reaches every gateway node and survives restarts.</summary>
internal sealed class ApprovalStore(IStateDatabase database)
{
    private const string Columns = "id, created_at, expires_at, status, session_id, requester, connection, action, resources, parameters, fingerprint, approver_groups, quorum, reason, uses_left";

    public async Task CreateAsync(Approval approval, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO approvals ({Columns}) VALUES (@id, @created, @expires, @status, @session, @requester, @conn, @action, @resources, @parameters, @fingerprint, @groups, @quorum, @reason, 1)";
        command.Add("@id", approval.Id);
        command.Add("@created", StoreTime.Format(approval.CreatedAt));
        command.Add("@expires", StoreTime.Format(approval.ExpiresAt));
        command.Add("@status", approval.Status);
        command.Add("@session", approval.SessionId);
        command.Add("@requester", approval.Requester);
        command.Add("@conn", approval.Connection);
        command.Add("@action", approval.Action);
        command.Add("@resources", string.Join('\n', approval.Resources));
        command.Add("@parameters", JsonSerializer.Serialize(approval.Parameters));
        command.Add("@fingerprint", approval.Fingerprint);
        command.Add("@groups", string.Join('\n', approval.ApproverGroups));
        command.Add("@quorum", approval.Quorum);
        command.Add("@reason", (object?)approval.Reason ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<long> CountPendingAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.CountAsync("SELECT count(*) FROM approvals WHERE status = 'pending' AND expires_at > @now", now, cancellationToken);

    public async Task<Approval?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @p1", id, null, cancellationToken)).FirstOrDefault();

    /// <summary>
    /// Of <paramref name="ids"/>, those no longer pending: a node asks this once a second for every call it holds,
    /// in a few queries rather than one per call.
    /// </summary>
    public async Task<List<string>> DecidedAmongAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var decided = new List<string>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(500))
        {
            var parameters = chunk.Select((id, i) => ("@id" + i, (object?)id)).ToArray();
            await using var command = connection.Command(null,
                $"SELECT id FROM approvals WHERE status <> 'pending' AND id IN ({string.Join(", ", parameters.Select(p => p.Item1))})", parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                decided.Add(reader.GetString(0));
            }
        }

        return decided;
    }

    /// <summary>The newest approval of this exact call that is still pending or usable.</summary>
    public async Task<Approval?> FindForCallAsync(string sessionId, string fingerprint, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE session_id = @p1 AND fingerprint = @p2 AND status IN ('pending', 'approved') AND expires_at > @now ORDER BY created_at DESC",
            sessionId, fingerprint, cancellationToken, now)).FirstOrDefault();

    public async Task<IReadOnlyList<Approval>> ListAsync(string? status, CancellationToken cancellationToken) =>
        status is null
            ? await QueryAsync("ORDER BY created_at DESC LIMIT 5000", null, null, cancellationToken)
            : await QueryAsync("WHERE status = @p1 ORDER BY created_at DESC LIMIT 5000", status, null, cancellationToken);

    /// <summary>Records a vote and settles the approval: one deny denies; quorum approvals approve.</summary>
    /// <param name="uses">On approval: how many times the call may pass.</param>
    /// <param name="validUntil">On approval: until when the approval may be used.</param>
    /// <returns>The approval after the vote, or null when this approver already voted or it is no longer pending.</returns>
    public async Task<Approval?> VoteAsync(string id, ApprovalVote vote, CancellationToken cancellationToken, int uses = 1, DateTimeOffset? validUntil = null)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // One vote at a time per approval, on every node: the row is locked (the whole file, on SQLite) until the settle.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var pending = connection.Command(transaction, $"SELECT status FROM approvals WHERE id = @id{database.ForUpdate}", ("@id", id)))
        {
            if (await pending.ExecuteScalarAsync(cancellationToken) as string != "pending")
            {
                return null;
            }
        }

        // One vote per approver (the primary key).
        await using (var insert = connection.Command(transaction, """
            INSERT INTO approval_votes (approval_id, approver, decision, reason, at) VALUES (@id, @who, @decision, @reason, @at)
            ON CONFLICT DO NOTHING
            """, ("@id", id), ("@who", vote.Approver), ("@decision", vote.Decision), ("@reason", vote.Reason), ("@at", StoreTime.Format(vote.At))))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }

        var approval = (await QueryAsync(connection, transaction, "WHERE id = @p1", id, null, null, cancellationToken)).Single();
        var status = approval.Votes.Any(v => v.Decision == "deny") ? "denied"
            : approval.Votes.Count(v => v.Decision == "approve") >= approval.Quorum ? "approved"
            : "pending";
        await using (var update = connection.Command(transaction, """
            UPDATE approvals SET status = @status, reason = CASE WHEN @status = 'pending' THEN reason ELSE COALESCE(@reason, reason) END,
                uses_left = CASE WHEN @status = 'approved' THEN @uses ELSE uses_left END,
                expires_at = CASE WHEN @status = 'approved' AND CAST(@until AS TEXT) IS NOT NULL THEN CAST(@until AS TEXT) ELSE expires_at END
            WHERE id = @id AND status = 'pending'
            """, ("@status", status), ("@uses", Math.Max(1, uses)), ("@until", validUntil is { } until ? StoreTime.Format(until) : null),
            ("@reason", vote.Reason), ("@id", id)))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        // While it waits for more votes, the reason stays the policy's (why it was held); once settled, the decider's.
        return approval with { Status = status, Reason = status == "pending" ? approval.Reason : vote.Reason ?? approval.Reason };
    }

    /// <summary>Uses an approved approval once; false when its uses are spent (another retry took the last).</summary>
    public async Task<bool> ConsumeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE approvals SET uses_left = uses_left - 1, status = CASE WHEN uses_left <= 1 THEN 'used' ELSE 'approved' END
            WHERE id = @id AND status = 'approved' AND uses_left >= 1
            """;
        command.Add("@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<List<Approval>> QueryAsync(string where, string? p1, string? p2, CancellationToken cancellationToken, DateTimeOffset? now = null)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await QueryAsync(connection, null, where, p1, p2, now, cancellationToken);
    }

    private static async Task<List<Approval>> QueryAsync(
        DbConnection connection, DbTransaction? transaction, string where, string? p1, string? p2, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, $"SELECT {Columns} FROM approvals {where}");
        command.AddIfGiven("@p1", p1);
        command.AddIfGiven("@p2", p2);
        command.AddIfGiven("@now", now is { } at ? StoreTime.Format(at) : null);
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
            approvals[i] = approvals[i] with { Votes = await VotesAsync(connection, transaction, approvals[i].Id, cancellationToken) };
        }

        return approvals;
    }

    private static async Task<List<ApprovalVote>> VotesAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, "SELECT approver, decision, reason, at FROM approval_votes WHERE approval_id = @id ORDER BY at", ("@id", id));
        var votes = new List<ApprovalVote>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            votes.Add(new ApprovalVote(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), StoreTime.Parse(reader.GetString(3))));
        }

        return votes;
    }
}
