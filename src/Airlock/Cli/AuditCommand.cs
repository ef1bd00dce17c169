using System.CommandLine;
using System.Globalization;
using Airlock.Audit;

namespace Airlock.Cli;

/// <summary><c>airlock audit tail</c>: the newest calls, one line each.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var lines = new Option<int>("--lines", "-n") { Description = "How many records.", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new records." };
        var tail = new Command("tail", "Show the newest audit records.") { CommonOptions.Config, lines, follow };
        tail.SetAction(async (parse, cancellationToken) =>
        {
            if (StoreCommands.Open(parse.GetValue(CommonOptions.Config)) is not { } database)
            {
                return 2;
            }

            var store = new SqliteAuditStore(database);
            Console.WriteLine($"{"TIME",-24} {"PRINCIPAL",-20} {"SESSION",-22} {"CONNECTION",-10} {"SERVICE",-14} {"OPERATION",-28} {"DECISION",-8} {"STATUS",-6} {"LATENCY",-9} RESOURCES / REASON");
            long last = 0;
            var count = parse.GetValue(lines);
            do
            {
                foreach (var entry in await store.TailAsync(count, last, cancellationToken))
                {
                    Console.WriteLine(Format(entry));
                    last = entry.Id;
                }

                count = int.MaxValue;
                if (parse.GetValue(follow))
                {
                    await Task.Delay(1000, cancellationToken);
                }
            }
            while (parse.GetValue(follow) && !cancellationToken.IsCancellationRequested);

            return 0;
        });

        return new Command("audit", "Read the audit trail.") { tail };
    }

    private static string Format(AuditEntry e)
    {
        var latency = e.LatencyMs is { } ms ? ms.ToString("F1", CultureInfo.InvariantCulture) + "ms" : "-";
        var detail = string.Join(',', e.Resources);
        if (e.Decision != "allow" && e.Reason is not null)
        {
            detail = (detail.Length > 0 ? detail + " " : "") + e.Reason;
        }

        if (e.Masked.Count > 0)
        {
            detail = (detail.Length > 0 ? detail + " " : "") + "masked: " + string.Join("; ", e.Masked);
        }

        return $"{e.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {e.Principal ?? "-",-20} {e.SessionId ?? "-",-22} {e.Connection ?? "-",-10} {e.Service ?? "-",-14} {e.Operation ?? "-",-28} {e.Decision,-8} {(e.UpstreamStatus?.ToString(CultureInfo.InvariantCulture) ?? "-"),-6} {latency,-9} {detail}";
    }
}
