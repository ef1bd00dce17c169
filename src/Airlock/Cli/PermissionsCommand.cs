using System.CommandLine;
using System.Text.Json;

namespace Airlock.Cli;

/// <summary><c>airlock permissions</c>: what a caller may do, as the running gateway's policy says.</summary>
internal static class PermissionsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the gateway's JSON as it is." };
        var command = new Command("permissions", "Show the policy statements that apply to the holder of a token.")
        {
            CredentialsCommand.Gateway, CredentialsCommand.TokenFile, CredentialsCommand.Connection, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (credentials, error) = await CredentialsCommand.ExchangeAsync(parse, null, cancellationToken);
            if (credentials is null)
            {
                await Console.Error.WriteLineAsync($"airlock: {error}");
                return 1;
            }

            using var gateway = new GatewayClient(parse.GetValue(CredentialsCommand.Gateway)!);
            var (status, body) = await gateway.SignedGetAsync(Gateway.AirlockAnsweredCalls.PermissionsPath, credentials, cancellationToken);
            if (status != 200)
            {
                await Console.Error.WriteLineAsync($"airlock: the gateway answered {status}: {body}");
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(body);
                return 0;
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            Console.WriteLine($"{root.GetProperty("subject").GetString()} on {root.GetProperty("connection").GetString()} (groups: {string.Join(", ", root.GetProperty("groups").EnumerateArray().Select(g => g.GetString()))})");
            foreach (var statement in root.GetProperty("statements").EnumerateArray())
            {
                string List(string name) => statement.TryGetProperty(name, out var v) ? (name.StartsWith("not", StringComparison.Ordinal) ? "all but " : "") + string.Join(", ", v.EnumerateArray().Select(a => a.GetString())) : "";
                var levels = statement.TryGetProperty("accessLevels", out var l) && l.ValueKind == JsonValueKind.Array
                    ? $" at IAM access levels {string.Join(", ", l.EnumerateArray().Select(a => a.GetString()))}" : "";
                var actions = List("actions") + List("notActions") + levels;
                var resources = List("resources") + List("notResources");
                var conditions = statement.GetProperty("conditions").GetArrayLength() > 0 ? " (with conditions)" : "";
                Console.WriteLine($"  {statement.GetProperty("effect").GetString(),-6} {statement.GetProperty("sid").GetString()}: {actions} on {resources}{conditions}");
            }

            Console.WriteLine($"  {root.GetProperty("evaluation").GetString()}");
            return 0;
        });
        return command;
    }
}
