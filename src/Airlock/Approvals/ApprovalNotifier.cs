using System.Threading.Channels;
using Airlock.Audit;

namespace Airlock.Approvals;

/// <summary>
/// Tells approvers, through webhooks, about new held calls and every decision. Sending happens in the
/// background with retries and back-off: a failing webhook never blocks or loses an approval.
/// </summary>
internal sealed partial class ApprovalNotifier(ApprovalOptions options, IAuditStore audit, TimeProvider time, ILogger<ApprovalNotifier> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];
    private readonly Channel<(string Event, Approval Approval, string DecideUrl)> _queue =
        Channel.CreateBounded<(string, Approval, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public void Notify(string @event, Approval approval, string decideUrl)
    {
        if (options.Webhooks.Count > 0)
        {
            _queue.Writer.TryWrite((@event, approval, decideUrl));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (@event, approval, url) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var webhook in options.Webhooks)
            {
                _ = SendAsync(webhook, @event, approval, url, stoppingToken);
            }
        }
    }

    private async Task SendAsync(WebhookOptions webhook, string @event, Approval approval, string decideUrl, CancellationToken cancellationToken)
    {
        object payload = webhook.Format == "slack"
            ? new { text = $"Airlock: {approval.Requester} asks to run {approval.Action} on {string.Join(", ", approval.Resources)} ({approval.Status}). Decide: {decideUrl}" }
            : new { @event, approval, decideUrl };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(webhook.Url, payload, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await RecordAsync(@event, approval, $"notified {webhook.Url}", cancellationToken);
                    return;
                }

                Log.Failed(logger, webhook.Url, attempt + 1, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log.Failed(logger, webhook.Url, attempt + 1, e.GetType().Name);
            }

            if (attempt >= Backoff.Length)
            {
                await RecordAsync(@event, approval, $"could not notify {webhook.Url} after {attempt + 1} attempts", cancellationToken);
                return;
            }

            await Task.Delay(Backoff[attempt], cancellationToken);
        }
    }

    private async Task RecordAsync(string @event, Approval approval, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), "airlock", "NotifyApprovers", approval.Id, $"{@event}: {reason}"), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Failed(logger, "audit", 0, e.GetType().Name);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "webhook {Url} failed (attempt {Attempt}): {Reason}")]
        public static partial void Failed(ILogger logger, string url, int attempt, string reason);
    }
}
