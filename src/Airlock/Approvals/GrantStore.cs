using System.Data.Common;
using Airlock.Storage;

namespace Airlock.Approvals;

/// <summary>Grants in the store, shared by every gateway node.</summary>
internal sealed class GrantStore(IStateDatabase database)
{
    private const string Columns = "id, created_at, status, requester, actions, resources, duration_seconds, reason, decided_by, decision_reason, expires_at";

    public Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.CountAsync("SELECT count(*) FROM grants WHERE status = 'approved' AND expires_at > @now", now, cancellationToken);

    public async Task CreateAsync(Grant grant, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO grants ({Columns}) VALUES (@id, @created, @status, @requester, @actions, @resources, @duration, @reason, NULL, NULL, NULL)";
        command.Add("@id", grant.Id);
        command.Add("@created", StoreTime.Format(grant.CreatedAt));
        command.Add("@status", grant.Status);
        command.Add("@requester", grant.Requester);
        command.Add("@actions", string.Join('\n', grant.Actions));
        command.Add("@resources", string.Join('\n', grant.Resources));
        command.Add("@duration", grant.DurationSeconds);
        command.Add("@reason", (object?)grant.Reason ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Grant?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @p", id, cancellationToken)).FirstOrDefault();

    public Task<List<Grant>> ListAsync(CancellationToken cancellationToken) => QueryAsync("ORDER BY created_at DESC LIMIT 500", null, cancellationToken);

    /// <summary>The requester's approved grants that have not expired.</summary>
    public Task<List<Grant>> ActiveForAsync(string requester, DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("WHERE requester = @p AND status = 'approved' AND expires_at > @now", requester, cancellationToken, now);

    /// <summary>Moves a grant from <paramref name="from"/> to <paramref name="to"/>; false when it was not in that state.</summary>
    public async Task<bool> DecideAsync(string id, string from, string to, string by, string? reason, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE grants SET status = @to, decided_by = @by, decision_reason = @reason, expires_at = COALESCE(CAST(@expires AS TEXT), expires_at)
            WHERE id = @id AND status = @from
            """;
        command.Add("@id", id);
        command.Add("@from", from);
        command.Add("@to", to);
        command.Add("@by", by);
        command.Add("@reason", (object?)reason ?? DBNull.Value);
        command.Add("@expires", expiresAt is { } at ? StoreTime.Format(at) : DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<List<Grant>> QueryAsync(string where, string? p, CancellationToken cancellationToken, DateTimeOffset? now = null)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM grants {where}";
        command.AddIfGiven("@p", p);
        command.AddIfGiven("@now", now is { } at ? StoreTime.Format(at) : null);
        var grants = new List<Grant>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            grants.Add(Read(r));
        }

        return grants;
    }

    private static Grant Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        CreatedAt = StoreTime.Parse(r.GetString(1)),
        Status = r.GetString(2),
        Requester = r.GetString(3),
        Actions = r.GetString(4).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        Resources = r.GetString(5).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        DurationSeconds = r.GetInt32(6),
        Reason = r.IsDBNull(7) ? null : r.GetString(7),
        DecidedBy = r.IsDBNull(8) ? null : r.GetString(8),
        DecisionReason = r.IsDBNull(9) ? null : r.GetString(9),
        ExpiresAt = r.IsDBNull(10) ? null : StoreTime.Parse(r.GetString(10)),
    };
}
