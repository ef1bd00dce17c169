using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Airlock.Audit;

namespace Airlock.Approvals;

/// <summary>
/// Tells approvers, through webhooks, about new held calls and every decision. An event is written to the store's
/// outbox when it happens and sent in the background by whichever node claims it first, with retries and back-off: a
/// failing webhook never blocks or loses an approval, and with several nodes each event is sent once, not once per node.
/// </summary>
internal sealed partial class ApprovalNotifier(ApprovalOptions options, WebhookOutbox outbox, IAuditStore audit, TimeProvider time, ILogger<ApprovalNotifier> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    // How often a node looks for events it was not nudged about: other nodes' retries, and those a stopped node left.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    // Longer than a send can take (the client's timeout), so a claimed event is not sent twice by two live nodes.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private const int Sending = 16;

    private readonly Channel<bool> _nudge = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _slots = new(Sending);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Writes the event for every configured webhook; sending happens in the background.</summary>
    public async Task NotifyAsync(string @event, Approval approval, string decideUrl, CancellationToken cancellationToken)
    {
        if (options.Webhooks.Count == 0)
        {
            return;
        }

        // Receivers may use the id to recognise an event sent again after a node died while sending it.
        var id = "evt-" + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var deliveries = options.Webhooks.Select(w => new WebhookDelivery(0, id, @event, approval.Id, w.Url, Payload(w, id, @event, approval, decideUrl), 0)).ToList();
        try
        {
            await outbox.AddAsync(deliveries, time.GetUtcNow(), cancellationToken);
            _nudge.Writer.TryWrite(true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The approval stands either way; only its notification is lost.
            Log.NotQueued(logger, @event, approval.Id, e.GetType().Name);
        }
    }

    private string Payload(WebhookOptions webhook, string id, string @event, Approval approval, string decideUrl) =>
        webhook.Format == "slack"
            ? SlackMessages.Notification(approval, decideUrl, interactive: options.Slack.Enabled)
            : JsonSerializer.Serialize(new { id, @event, approval, decideUrl }, JsonSerializerOptions.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Webhooks.Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            if (await ClaimAsync(stoppingToken) is { Count: > 0 } claimed)
            {
                foreach (var delivery in claimed)
                {
                    _ = SendAsync(delivery, stoppingToken);
                }

                continue;
            }

            try
            {
                await Task.WhenAny(_nudge.Reader.WaitToReadAsync(stoppingToken).AsTask(), Task.Delay(Poll, time, stoppingToken));
                _nudge.Reader.TryRead(out _);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        var free = 0;
        while (free < Sending && _slots.Wait(0))
        {
            free++;
        }

        if (free == 0)
        {
            return [];
        }

        try
        {
            var now = time.GetUtcNow();
            var claimed = await outbox.ClaimAsync(now, now + Lease, free, cancellationToken);
            if (free > claimed.Count)
            {
                _slots.Release(free - claimed.Count);
            }

            return claimed;
        }
        catch (Exception e)
        {
            _slots.Release(free);
            if (e is not OperationCanceledException)
            {
                Log.Failed(logger, "the outbox", 0, e.GetType().Name);
            }

            return [];
        }
    }

    private async Task SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            string failure;
            try
            {
                using var content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(delivery.Url, content, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await outbox.DeliveredAsync(delivery.Id, time.GetUtcNow(), cancellationToken);
                    await RecordAsync(delivery, $"notified {delivery.Url}", cancellationToken);
                    return;
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failure = e.GetType().Name;
            }

            Log.Failed(logger, delivery.Url, delivery.Attempts, failure);
            if (delivery.Attempts > Backoff.Length)
            {
                await outbox.GaveUpAsync(delivery.Id, time.GetUtcNow(), cancellationToken);
                await RecordAsync(delivery, $"could not notify {delivery.Url} after {delivery.Attempts} attempts", cancellationToken);
            }
            else
            {
                await outbox.RetryAtAsync(delivery.Id, time.GetUtcNow() + Backoff[delivery.Attempts - 1], cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The lease runs out and another pass (on any node) sends it again.
            Log.Failed(logger, "the outbox", delivery.Attempts, e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease runs out and another node sends it.
        }
        finally
        {
            _slots.Release();
            _nudge.Writer.TryWrite(true);
        }
    }

    private async Task RecordAsync(WebhookDelivery delivery, string reason, CancellationToken cancellationToken) =>
        await audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), "airlock", "NotifyApprovers", delivery.SubjectId, $"{delivery.Event}: {reason}"), cancellationToken);

    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "webhook {Url} failed (attempt {Attempt}): {Reason}")]
        public static partial void Failed(ILogger logger, string url, int attempt, string reason);

        [LoggerMessage(41, LogLevel.Error, "the {Event} event of {ApprovalId} could not be written to the outbox ({Reason}); approvers are not told of it")]
        public static partial void NotQueued(ILogger logger, string @event, string approvalId, string reason);
    }
}
