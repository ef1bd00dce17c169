using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Airlock.Approvals;

namespace Airlock.Cli;

/// <summary><c>airlock grants request | list | show | approve | deny | revoke</c>: time-boxed grants.</summary>
internal static class GrantsCommand
{
    public static Command Create()
    {
        var actions = new Option<string[]>("--action") { Description = "An action (service:Operation, wildcards allowed); repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var resources = new Option<string[]>("--resource") { Description = "A resource ARN pattern; repeatable (default *).", AllowMultipleArgumentsPerToken = true };
        var duration = new Option<string>("--duration") { Description = "How long, once approved: 90s, 30m, 2h.", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why." };
        var request = new Command("request", "Ask for a time-boxed grant.") { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, actions, resources, duration, reason };
        request.SetAction((parse, ct) =>
        {
            if (ParseDuration(parse.GetValue(duration)!) is not { } seconds)
            {
                Console.Error.WriteLine("airlock: --duration is a number with s, m or h (90s, 30m, 2h).");
                return Task.FromResult(2);
            }

            var body = new GrantsApi.GrantRequest(parse.GetValue(actions), parse.GetValue(resources), seconds, parse.GetValue(reason));
            return ApprovalsCommand.CallApiAsync(parse, HttpMethod.Post, GrantsApi.Prefix, body, text => Console.WriteLine(Describe(JsonDocument.Parse(text).RootElement)), ct);
        });

        var list = new Command("list", "List grants you requested or may decide.") { CredentialsCommand.Gateway, CredentialsCommand.TokenFile };
        list.SetAction((parse, ct) => ApprovalsCommand.CallApiAsync(parse, HttpMethod.Get, GrantsApi.Prefix, null, text =>
        {
            foreach (var grant in JsonDocument.Parse(text).RootElement.EnumerateArray())
            {
                Console.WriteLine(Describe(grant));
            }
        }, ct));

        var id = new Argument<string>("id") { Description = "The grant id (grt-…)." };
        var show = new Command("show", "Show one grant.") { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, id };
        show.SetAction((parse, ct) => ApprovalsCommand.CallApiAsync(parse, HttpMethod.Get, $"{GrantsApi.Prefix}/{parse.GetValue(id)}", null, Console.WriteLine, ct));

        Command Decide(string verb, string description)
        {
            var command = new Command(verb, description) { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, id, reason };
            command.SetAction((parse, ct) => ApprovalsCommand.CallApiAsync(parse, HttpMethod.Post, $"{GrantsApi.Prefix}/{parse.GetValue(id)}/{verb}",
                new ApprovalsApi.DecisionBody(parse.GetValue(reason)), text => Console.WriteLine(Describe(JsonDocument.Parse(text).RootElement)), ct));
            return command;
        }

        return new Command("grants", "Time-boxed grants: ask, decide, revoke.")
        {
            request, list, show, Decide("approve", "Approve a grant request."), Decide("deny", "Deny a grant request."), Decide("revoke", "End an approved grant now."),
        };
    }

    private static int? ParseDuration(string text)
    {
        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var number = unit == 0 ? text : text[..^1];
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value * Math.Max(unit, 1) : null;
    }

    private static string Describe(JsonElement grant)
    {
        string? Text(string name) => grant.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var list = (string name) => string.Join(',', grant.GetProperty(name).EnumerateArray().Select(a => a.GetString()));
        return $"{Text("id")} {Text("status")} {Text("requester")}: {list("actions")} on {list("resources")} for {grant.GetProperty("durationSeconds").GetInt32()}s" +
            (Text("expiresAt") is { } expires ? $" until {expires}" : "");
    }
}
