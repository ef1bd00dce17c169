using System.CommandLine;
using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Policy;

namespace Airlock.Cli;

/// <summary><c>airlock policy check FILE…</c> and <c>airlock policy explain …</c>.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Policy files (YAML or JSON).", Arity = ArgumentArity.OneOrMore };
        var check = new Command("check", "Validate policy files and report every error with its file and line.") { files };
        check.SetAction(parse =>
        {
            var parser = Parse(parse.GetValue(files)!);
            foreach (var error in parser.Errors)
            {
                Console.Error.WriteLine(error);
            }

            foreach (var warning in parser.Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }

            Console.WriteLine(parser.Errors.Count == 0
                ? $"ok: {parser.Statements.Count} statements"
                : $"{parser.Errors.Count} errors");
            return parser.Errors.Count == 0 ? 0 : 1;
        });

        var policyFiles = new Option<string[]>("--policy") { Description = "Policy files to explain against (default: the configuration's policy).", AllowMultipleArgumentsPerToken = true };
        var subject = new Option<string>("--subject") { Description = "The caller's token subject.", DefaultValueFactory = _ => "someone" };
        var groups = new Option<string[]>("--group") { Description = "A group of the caller (repeatable).", AllowMultipleArgumentsPerToken = true };
        var action = new Option<string>("--action") { Description = "An IAM action or API operation, e.g. s3:ListBucket or s3:ListObjectsV2.", Required = true };
        var resources = new Option<string[]>("--resource") { Description = "A resource ARN (repeatable; default *).", AllowMultipleArgumentsPerToken = true };
        var connection = new Option<string>("--connection") { Description = "The connection.", DefaultValueFactory = _ => "default" };
        var region = new Option<string>("--region") { DefaultValueFactory = _ => "us-east-1" };
        var parameters = new Option<string[]>("--param") { Description = "A request parameter as Name=Value (repeatable).", AllowMultipleArgumentsPerToken = true };
        var explain = new Command("explain", "Show the decision for one call and the statements behind it.")
        {
            CommonOptions.Config, policyFiles, subject, groups, action, resources, connection, region, parameters,
        };
        explain.SetAction(parse =>
        {
            CompiledPolicy? policy;
            if (parse.GetValue(policyFiles) is { Length: > 0 } named)
            {
                var parser = Parse(named);
                policy = parser.Errors.Count == 0 ? new CompiledPolicy(parser.Statements) : null;
                parser.Errors.ToList().ForEach(Console.Error.WriteLine);
            }
            else
            {
                var (_, _, loaded, errors) = Hosting.ConfigLoader.LoadWithPolicy(parse.GetValue(CommonOptions.Config));
                policy = loaded;
                errors.ToList().ForEach(Console.Error.WriteLine);
            }

            if (policy is null)
            {
                return 2;
            }

            var request = PolicyExplain.Request(parse.GetValue(subject)!, parse.GetValue(groups) ?? [], parse.GetValue(connection)!, parse.GetValue(action)!,
                parse.GetValue(resources) ?? [], parse.GetValue(region)!, parse.GetValue(parameters) ?? [], TimeProvider.System.GetUtcNow());
            var decision = policy.Evaluate(request);
            Console.WriteLine($"decision: {(decision.Effect?.ToString() ?? "Deny (default)").ToLowerInvariant()}");
            Console.WriteLine($"reason:   {decision.Reason}");
            foreach (var statement in decision.Statements)
            {
                Console.WriteLine($"statement {statement.Sid} ({statement.Effect}) at {statement.Source}");
            }

            return 0;
        });

        var candidate = new Argument<string[]>("files") { Description = "The candidate policy files.", Arity = ArgumentArity.OneOrMore };
        var againstAudit = new Option<bool>("--against-audit") { Description = "Replay the recorded calls of the audit trail.", Required = true };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only calls recorded at or after this time (ISO 8601)." };
        var test = new Command("test", "Replay recorded calls through a candidate policy and list the decisions that would change.")
        {
            candidate, againstAudit, since, CommonOptions.Config,
        };
        test.SetAction(async (parse, cancellationToken) =>
        {
            var parser = Parse(parse.GetValue(candidate)!);
            parser.Errors.ToList().ForEach(Console.Error.WriteLine);
            if (parser.Errors.Count > 0 || await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { } stores)
            {
                return 2;
            }

            var replay = await PolicyReplay.RunAsync(new CompiledPolicy(parser.Statements), stores.Sessions, stores.Audit, parse.GetValue(since), cancellationToken);
            foreach (var change in replay.Changes)
            {
                Console.WriteLine($"{change.Entry.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {change.Entry.Principal} {change.Entry.Action} {string.Join(',', change.Entry.Resources)}: {change.Entry.Decision} -> {change.Now} ({change.Reason})");
            }

            Console.WriteLine($"{replay.Replayed} recorded calls replayed, {replay.Changes.Count} would change");
            return 0;
        });

        return new Command("policy", "Check, explain and test policies.") { check, explain, test };
    }

    private static PolicyParser Parse(IEnumerable<string> files)
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        foreach (var file in files)
        {
            parser.ParseFile(file);
        }

        return parser;
    }
}
