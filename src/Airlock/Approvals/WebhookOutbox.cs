using System.Data.Common;
using Airlock.Storage;

namespace Airlock.Approvals;

/// <summary>One webhook event for one target, as the outbox keeps it until it is delivered or given up.</summary>
internal sealed record WebhookDelivery(long Id, string EventId, string Event, string SubjectId, string Url, string Payload, int Attempts);

/// <summary>
/// Webhook events in the store, written when they happen and claimed by whichever node delivers them next: each event
/// reaches each target once across the nodes, and one not yet delivered survives a restart. A claim is a lease: a node
/// that dies mid-delivery leaves the event to another once the lease runs out (so a receiver may, in that case only,
/// see an event twice, with the same <c>id</c>).
/// </summary>
internal sealed class WebhookOutbox(IStateDatabase database)
{
    public async Task AddAsync(IReadOnlyList<WebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var delivery in deliveries)
        {
            await using var insert = connection.Command(transaction, """
                INSERT INTO webhook_deliveries (event_id, event, subject_id, url, payload, created_at, next_attempt_at, attempts)
                VALUES (@event_id, @event, @subject, @url, @payload, @now, @now, 0)
                """, ("@event_id", delivery.EventId), ("@event", delivery.Event), ("@subject", delivery.SubjectId), ("@url", delivery.Url),
                ("@payload", delivery.Payload), ("@now", StoreTime.Format(now)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Claims up to <paramref name="max"/> deliveries that are due and not leased by another node, until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var claim = connection.Command(null, $"""
            UPDATE webhook_deliveries SET lease_until = @lease, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY id LIMIT {max}{database.SkipLocked})
            RETURNING id, event_id, event, subject_id, url, payload, attempts
            """, ("@now", StoreTime.Format(now)), ("@lease", StoreTime.Format(leaseUntil)));
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<WebhookDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(Read(reader));
        }

        return claimed;
    }

    public Task DeliveredAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        SetAsync("delivered_at = @at, lease_until = NULL", id, now, cancellationToken);

    public Task GaveUpAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        SetAsync("gave_up_at = @at, lease_until = NULL", id, now, cancellationToken);

    public Task RetryAtAsync(long id, DateTimeOffset next, CancellationToken cancellationToken) =>
        SetAsync("next_attempt_at = @at, lease_until = NULL", id, next, cancellationToken);

    private async Task SetAsync(string assignments, long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var update = connection.Command(null, $"UPDATE webhook_deliveries SET {assignments} WHERE id = @id", ("@id", id), ("@at", StoreTime.Format(at)));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static WebhookDelivery Read(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6));
}
