using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Audit.Chain;

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
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { Audit: var store })
            {
                return 2;
            }

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

        return new Command("audit", "Read, search, export and check the audit trail.") { tail, Search(), Export(), Verify(), PublicKey(), Prune() };
    }

    /// <summary>The JSON every export and <c>--json</c> output uses, one record per line.</summary>
    public static readonly JsonSerializerOptions Json = AuditJson.Export;

    private static readonly Option<string?> Subject = new("--subject") { Description = "The token subject (principal)." };
    private static readonly Option<string?> Session = new("--session") { Description = "The Airlock session id." };
    private static readonly Option<string?> ConnectionName = new("--connection") { Description = "The connection." };
    private static readonly Option<string?> Service = new("--service") { Description = "The service (s3, dynamodb, …)." };
    private static readonly Option<string?> Operation = new("--operation") { Description = "The operation (GetObject, …)." };
    private static readonly Option<string?> Resource = new("--resource") { Description = "Any part of a resource ARN." };
    private static readonly Option<string?> Decision = new("--decision") { Description = "allow, deny, review or refuse." };
    private static readonly Option<DateTimeOffset?> Since = new("--since") { Description = "From this time (ISO 8601)." };
    private static readonly Option<DateTimeOffset?> Until = new("--until") { Description = "Before this time (ISO 8601)." };
    private static readonly Option<string?> Text = new("--text") { Description = "Free text in the parameters, reason or masked response." };
    private static readonly Option<long> After = new("--after") { Description = "Only records after this id (the last id of the previous page)." };
    private static readonly Option<int> Limit = new("--limit") { Description = "At most this many records.", DefaultValueFactory = _ => 100 };

    private static AuditQuery QueryOf(ParseResult parse) => new()
    {
        Subject = parse.GetValue(Subject), Session = parse.GetValue(Session), Connection = parse.GetValue(ConnectionName),
        Service = parse.GetValue(Service), Operation = parse.GetValue(Operation), Resource = parse.GetValue(Resource),
        Decision = parse.GetValue(Decision), Since = parse.GetValue(Since), Until = parse.GetValue(Until), Text = parse.GetValue(Text),
        AfterId = parse.GetValue(After), Limit = parse.GetValue(Limit),
    };

    private static Command Search()
    {
        var json = new Option<bool>("--json") { Description = "One JSON record per line, every field." };
        var search = new Command("search", "Find audit records by subject, session, connection, service, operation, resource, decision, time or text.")
        {
            CommonOptions.Config, Subject, Session, ConnectionName, Service, Operation, Resource, Decision, Since, Until, Text, After, Limit, json,
        };
        search.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { Audit: var store })
            {
                return 2;
            }

            var found = await store.SearchAsync(QueryOf(parse), cancellationToken);
            foreach (var entry in found)
            {
                Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(entry, Json) : $"{entry.Id,8} {Format(entry)}");
            }

            if (!parse.GetValue(json) && found.Count == parse.GetValue(Limit))
            {
                Console.WriteLine($"(more: --after {found[^1].Id})");
            }

            return 0;
        });
        return search;
    }

    private static Command Export()
    {
        var format = new Option<string>("--format") { Description = "jsonl (the only format).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl");
        var export = new Command("export", "Write audit records as JSON lines, every field, oldest first (for SIEMs).")
        {
            CommonOptions.Config, Subject, Session, ConnectionName, Service, Operation, Resource, Decision, Since, Until, Text, format,
        };
        export.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { Audit: var store })
            {
                return 2;
            }

            var query = QueryOf(parse) with { AfterId = 0, Limit = 1000 };
            while (true)
            {
                var page = await store.SearchAsync(query, cancellationToken);
                foreach (var entry in page)
                {
                    Console.WriteLine(JsonSerializer.Serialize(entry, Json));
                }

                if (page.Count < query.Limit)
                {
                    return 0;
                }

                query = query with { AfterId = page[^1].Id };
            }
        });
        return export;
    }

    private static Command Verify()
    {
        var key = new Option<string?>("--public-key") { Description = "The gateway's public key (ed25519:BASE64, from 'airlock audit public-key'); default: derived from the store's signing key file." };
        var witness = new Option<string?>("--witness")
        {
            Description = "Also compare the store with the checkpoints a witness saw (audit.witness): its file, or a URL that returns them as JSON lines.",
        };
        var verify = new Command("verify", "Check the whole audit log: hashes, links, signed checkpoints and the audit table; names the first record modified, deleted, inserted or reordered.")
        {
            CommonOptions.Config, key, witness,
        };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { Audit: var store })
            {
                return 2;
            }

            var keyFile = store.SigningKeyFile;

            byte[] publicKey;
            if (parse.GetValue(key) is { } given)
            {
                publicKey = AuditSigningKey.Parse(given);
            }
            else if (File.Exists(keyFile))
            {
                publicKey = AuditSigningKey.LoadOrCreate(keyFile).PublicKey;
            }
            else
            {
                Console.Error.WriteLine($"airlock: no signing key at {keyFile}; give --public-key.");
                return 2;
            }

            IReadOnlyList<Checkpoint>? witnessed = null;
            if (parse.GetValue(witness) is { } source)
            {
                try
                {
                    witnessed = await CheckpointWitness.ReadAsync(source, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or JsonException)
                {
                    Console.Error.WriteLine($"airlock: cannot read the witness {source}: {e.Message}");
                    return 2;
                }
            }

            var report = await AuditVerifier.VerifyAsync(store.Database, publicKey, cancellationToken, witnessed);
            if (report.Intact)
            {
                Console.WriteLine($"intact: {report.Records} log records, {report.Checkpoints} signed checkpoints (last at record {report.LastCheckpoint})" +
                    (witnessed is null ? "" : $"; all {witnessed.Count} checkpoints the witness saw are in the store") +
                    (report.UnchainedRows > 0 ? $"; {report.UnchainedRows} older audit rows predate the log and are not covered" : ""));
                return 0;
            }

            Console.WriteLine($"TAMPERED: {report.Problems[0]}");
            foreach (var problem in report.Problems.Skip(1))
            {
                Console.WriteLine("  also: " + problem);
            }

            return 1;
        });
        return verify;
    }

    private static Command Prune()
    {
        var before = new Option<DateTimeOffset>("--before") { Description = "Remove records older than this (ISO 8601), up to the newest signed checkpoint before it.", Required = true };
        var prune = new Command("prune", "Remove old audit records, keeping the log verifiable: a signed checkpoint anchors what remains.") { CommonOptions.Config, before };
        prune.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { Audit: var store })
            {
                return 2;
            }

            if (await AuditRetention.PruneAsync(store.Database, parse.GetValue(before), cancellationToken) is not { } pruned)
            {
                Console.WriteLine("nothing to prune: no signed checkpoint before that time");
                return 0;
            }

            Console.WriteLine($"pruned {pruned.LogRecords} log records and {pruned.AuditRows} audit rows; the log now starts after checkpoint {pruned.AnchorSeq}");
            return 0;
        });
        return prune;
    }

    private static Command PublicKey()
    {
        var command = new Command("public-key", "Print the public key that verifies the audit log's checkpoints (creates the signing key if there is none).") { CommonOptions.Config };
        command.SetAction(parse =>
        {
            if (StoreCommands.OpenAudit(parse.GetValue(CommonOptions.Config)) is not { } store)
            {
                return 2;
            }

            Console.WriteLine(AuditSigningKey.Format(AuditSigningKey.LoadOrCreate(store.SigningKeyFile).PublicKey));
            return 0;
        });
        return command;
    }

    internal static string Format(AuditEntry e)
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
