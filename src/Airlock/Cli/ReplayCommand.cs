using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Identity;

namespace Airlock.Cli;

/// <summary><c>airlock sessions replay ID</c>: a session call by call, as the agent saw it (masked), with decisions and timings.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The session id or its access key id." };
        var pace = new Option<bool>("--pace") { Description = "Wait between calls as long as the agent did (gaps capped at 10 s)." };
        var json = new Option<bool>("--json") { Description = "One JSON record per line: the session first, then every call with every field." };
        var replay = new Command("replay", "Replay a session call by call: decisions, approvals, masked responses, timings.") { CommonOptions.Config, id, pace, json };
        replay.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { } stores)
            {
                return 2;
            }

            var target = parse.GetValue(id)!;
            if (await SessionReplay.LoadAsync(stores.Sessions, stores.Audit, target, cancellationToken) is not { } replayed)
            {
                await Console.Error.WriteLineAsync($"airlock: no session {target}.");
                return 1;
            }

            var (session, calls) = (replayed.Session, replayed.Calls);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(replayed.Summary, AuditCommand.Json));
            }
            else if (session is not null)
            {
                Console.WriteLine($"session {session.Id}: {session.Subject} [{string.Join(',', session.Groups)}] on {session.Connection}, " +
                    $"from {StsResponses.Iso(session.CreatedAt)} until {StsResponses.Iso(session.ExpiresAt)}" +
                    (session.RevokedAt is { } revoked ? $", revoked at {StsResponses.Iso(revoked)}" : ""));
            }

            DateTimeOffset? previous = null;
            foreach (var call in calls)
            {
                if (parse.GetValue(pace) && previous is { } before && call.Time > before)
                {
                    var gap = call.Time - before;
                    await Task.Delay(gap < TimeSpan.FromSeconds(10) ? gap : TimeSpan.FromSeconds(10), cancellationToken);
                }

                previous = call.Time;
                Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(call, AuditCommand.Json) : Describe(call, calls[0].Time));
            }

            return 0;
        });
        return replay;
    }

    private static string Describe(AuditEntry call, DateTimeOffset start)
    {
        var lines = new List<string>
        {
            $"+{(call.Time - start).TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)}s {call.Action ?? $"{call.Service}:{call.Operation}"} " +
            $"{string.Join(',', call.Resources)} -> {call.Decision.ToUpperInvariant()}" +
            (call.UpstreamStatus is { } status ? $" {status}" : "") +
            (call.LatencyMs is { } ms ? $" in {ms.ToString("F1", CultureInfo.InvariantCulture)} ms" : ""),
        };
        if (call.Reason is not null)
        {
            lines.Add("    why: " + call.Reason);
        }

        if (call.Method is not null)
        {
            lines.Add($"    request: {call.Method} {call.Path}" + (call.NormalizedPath is { } read ? $" (read as {read})" : "")
                + (call.UserAgent is { } agent ? $" ({agent})" : ""));
        }

        if (call.RequestBody is not null)
        {
            lines.Add("    body: " + call.RequestBody.ReplaceLineEndings(" "));
        }

        if (call.Parameters.Count > 0)
        {
            lines.Add("    parameters: " + string.Join(", ", call.Parameters.Select(p => $"{p.Key}={p.Value}")));
        }

        if (call.Masked.Count > 0)
        {
            lines.Add("    masked: " + string.Join("; ", call.Masked));
        }

        if (call.Response is not null)
        {
            lines.Add("    response: " + call.Response.ReplaceLineEndings(" "));
        }

        if (call.UpstreamRequestId is not null)
        {
            lines.Add("    upstream request id: " + call.UpstreamRequestId);
        }

        if (call.Timings.Count > 0)
        {
            lines.Add("    timings: " + string.Join(", ", call.Timings.Select(t => $"{t.Key} {t.Value.ToString("F2", CultureInfo.InvariantCulture)} ms")));
        }

        return string.Join('\n', lines);
    }
}
