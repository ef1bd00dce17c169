using System.CommandLine;
using Airlock.Identity;

namespace Airlock.Cli;

/// <summary><c>airlock sessions list | revoke ID</c>.</summary>
internal static class SessionsCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Include expired and revoked sessions." };
        var list = new Command("list", "List sessions.") { CommonOptions.Config, all };
        list.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenSessionsAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { } sessions)
            {
                return 2;
            }

            var now = TimeProvider.System.GetUtcNow();
            var listed = await sessions.ListAsync(parse.GetValue(all), now, cancellationToken);
            Console.WriteLine($"{"ID",-22} {"ACCESS KEY",-20} {"SUBJECT",-24} {"CONNECTION",-12} {"GROUPS",-24} {"EXPIRES",-20} STATE");
            foreach (var (s, _) in listed)
            {
                var state = s.RevokedAt is not null ? "revoked" : s.ExpiresAt <= now ? "expired" : "active";
                Console.WriteLine($"{s.Id,-22} {s.AccessKeyId,-20} {s.Subject,-24} {s.Connection,-12} {string.Join(',', s.Groups),-24} {StsResponses.Iso(s.ExpiresAt),-20} {state}");
            }

            return 0;
        });

        var id = new Argument<string>("id") { Description = "The session id (or its access key id).", Arity = ArgumentArity.ZeroOrOne };
        var subject = new Option<string?>("--subject") { Description = "Revoke every session of this subject, and refuse its token exchanges until --until." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "With --subject: until when (ISO 8601; default: 24 hours from now)." };
        var revoke = new Command("revoke",
            "Revoke a session (its next call is refused, and the token it came from gets no new one), or with --subject every session of a subject and its new exchanges.")
        {
            CommonOptions.Config, id, subject, until,
        };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenSessionsAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { } sessions)
            {
                return 2;
            }

            var store = sessions;
            var now = TimeProvider.System.GetUtcNow();
            if (parse.GetValue(subject) is { } who)
            {
                var end = parse.GetValue(until) ?? now.AddHours(24);
                var count = await store.RevokeSubjectAsync(who, end, now, cancellationToken);
                Console.WriteLine($"revoked {who}: {count} active sessions ended; token exchanges refused until {StsResponses.Iso(end)}");
                return 0;
            }

            if (parse.GetValue(id) is not { } target)
            {
                await Console.Error.WriteLineAsync("airlock: give a session id, or --subject.");
                return 2;
            }

            if (!await store.RevokeAsync(target, now, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"airlock: no active session {target}.");
                return 1;
            }

            Console.WriteLine($"revoked {target}");
            return 0;
        });

        return new Command("sessions", "Inspect, revoke and replay Airlock sessions.") { list, revoke, ReplayCommand.Create() };
    }
}
