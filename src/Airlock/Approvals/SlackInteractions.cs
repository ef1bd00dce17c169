using System.Text;
using System.Text.Json;
using Airlock.Audit;
using Microsoft.AspNetCore.WebUtilities;

namespace Airlock.Approvals;

/// <summary>
/// <c>POST /_airlock/slack/interactions</c>: Slack's request URL for the Approve / Deny buttons. A click decides only
/// when its request is signed with the app's signing secret, is fresh and not seen before, and comes from a Slack user
/// the configuration names; the decision then goes through <see cref="ApprovalDecisions"/> like any other, with source
/// <c>slack</c>, and the message is updated through the interaction's <c>response_url</c>.
/// </summary>
internal sealed partial class SlackInteractions(
    ApprovalOptions options, byte[] signingSecret, SlackReplayGuard replays, ApprovalDecisions decisions, IAuditStore audit, TimeProvider time,
    ILogger<SlackInteractions> logger)
{
    public const string Path = "/_airlock/slack/interactions";

    // Slack's interaction payloads are a few KiB; anything far larger is not one.
    private const int MaxBody = 64 * 1024;

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        if (await ReadBodyAsync(http.Request, ct) is not { } body)
        {
            return Results.Problem("The body is not a Slack interaction.", statusCode: 413);
        }

        var signature = http.Request.Headers["X-Slack-Signature"].ToString();
        var check = SlackSignature.Verify(signingSecret, http.Request.Headers["X-Slack-Request-Timestamp"], signature, body, time.GetUtcNow());
        if (check != SlackSignature.Check.Valid)
        {
            Log.Refused(logger, check.ToString(), http.Connection.RemoteIpAddress?.ToString());
            return Results.Problem(check == SlackSignature.Check.Stale ? "The request's timestamp is more than five minutes away." : "The request is not signed by Slack.", statusCode: 401);
        }

        if (!replays.FirstUse(signature))
        {
            Log.Refused(logger, "Replayed", http.Connection.RemoteIpAddress?.ToString());
            return Results.Problem("This request was taken already.", statusCode: 409);
        }

        if (Click.Parse(body) is not { } click)
        {
            return Results.Problem("Not an Airlock button click.", statusCode: 400);
        }

        var clientIp = http.Connection.RemoteIpAddress?.ToString();
        if (!options.Slack.Users.TryGetValue(click.SlackUser, out var user))
        {
            await audit.AppendAsync(AuditEntry.OfAirlock(time.GetUtcNow(), $"slack:{click.SlackUser}", click.Decision == "approve" ? "ApproveCall" : "DenyCall", click.ApprovalId,
                $"refused: Slack user {click.SlackUser} is not mapped to a principal (approvals.slack.users)", clientIp)
                with { Decision = "refuse", Parameters = ApprovalDecisions.Source(new Decider($"slack:{click.SlackUser}", [], "slack", clientIp, click.SlackUser)) }, ct);
            Respond(click, SlackMessages.Refused("your Slack user is not one Airlock knows; nothing changed."));
            return Results.Ok();
        }

        var decider = new Decider(user.Subject, user.Groups, "slack", clientIp, click.SlackUser);
        var reason = click.Decision == "deny" ? $"denied from Slack by {user.Subject}" : null;
        var baseUrl = options.PublicUrl ?? $"{http.Request.Scheme}://{http.Request.Host}";
        var outcome = await decisions.DecideAsync(click.ApprovalId, click.Decision, decider, reason, null, null, baseUrl, ct);
        Respond(click, outcome.Decided is { } decided
            ? SlackMessages.Decided(decided, decider, click.Decision, baseUrl)
            : SlackMessages.Refused(outcome.Refusal!));
        return Results.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Updates the message (or tells the clicker) through Slack's response URL, after answering Slack's request.</summary>
    private void Respond(Click click, string message)
    {
        if (click.ResponseUrl is not { } url || !url.StartsWith(options.Slack.ResponseUrlPrefix, StringComparison.Ordinal))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                using var content = new StringContent(message, Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(url, content);
                if (!response.IsSuccessStatusCode)
                {
                    Log.NotUpdated(logger, $"HTTP {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Log.NotUpdated(logger, e.GetType().Name);
            }
        });
    }

    /// <summary>One click on an Airlock button, from the <c>payload</c> form field of a <c>block_actions</c> interaction.</summary>
    private sealed record Click(string SlackUser, string ApprovalId, string Decision, string? ResponseUrl)
    {
        public static Click? Parse(byte[] body)
        {
            try
            {
                var form = new FormReader(Encoding.UTF8.GetString(body)).ReadForm();
                if (!form.TryGetValue("payload", out var payload))
                {
                    return null;
                }

                using var json = JsonDocument.Parse(payload.ToString());
                var root = json.RootElement;
                if (root.GetProperty("type").GetString() != "block_actions" || root.GetProperty("actions").GetArrayLength() != 1)
                {
                    return null;
                }

                var action = root.GetProperty("actions")[0];
                var decision = action.GetProperty("action_id").GetString() switch
                {
                    SlackMessages.Approve => "approve",
                    SlackMessages.Deny => "deny",
                    _ => null,
                };
                var user = root.GetProperty("user").GetProperty("id").GetString();
                var id = action.GetProperty("value").GetString();
                var responseUrl = root.TryGetProperty("response_url", out var url) ? url.GetString() : null;
                return decision is null || string.IsNullOrEmpty(user) || string.IsNullOrEmpty(id) ? null : new Click(user, id, decision, responseUrl);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException)
            {
                return null;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(42, LogLevel.Warning, "slack: an interaction was refused ({Check}) from {ClientIp}")]
        public static partial void Refused(ILogger logger, string check, string? clientIp);

        [LoggerMessage(43, LogLevel.Warning, "slack: the message could not be updated ({Reason})")]
        public static partial void NotUpdated(ILogger logger, string reason);
    }
}
