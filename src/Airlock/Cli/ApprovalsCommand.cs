using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Airlock.Approvals;

namespace Airlock.Cli;

/// <summary><c>airlock approvals list | show | approve | deny</c>, as an approver, against a running gateway.</summary>
internal static class ApprovalsCommand
{
    public static Command Create()
    {
        var status = new Option<string?>("--status") { Description = "pending, approved, denied or used (default: all)." };
        var list = new Command("list", "List approvals you may decide or have requested.") { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, status };
        list.SetAction(async (parse, ct) =>
        {
            var query = parse.GetValue(status) is { } s ? $"?status={Uri.EscapeDataString(s)}" : "";
            return await CallAsync(parse, HttpMethod.Get, query, null, body =>
            {
                Console.WriteLine($"{"ID",-28} {"STATUS",-9} {"REQUESTER",-20} {"ACTION",-28} {"APPROVERS",-16} RESOURCES");
                foreach (var a in JsonDocument.Parse(body).RootElement.EnumerateArray())
                {
                    Console.WriteLine($"{a.GetProperty("id").GetString(),-28} {a.GetProperty("status").GetString(),-9} {a.GetProperty("requester").GetString(),-20} {a.GetProperty("action").GetString(),-28} {string.Join(',', a.GetProperty("approverGroups").EnumerateArray().Select(g => g.GetString())),-16} {string.Join(',', a.GetProperty("resources").EnumerateArray().Select(r => r.GetString()))}");
                }
            }, ct);
        });

        var id = new Argument<string>("id") { Description = "The approval id (apr-…)." };
        var show = new Command("show", "Show one approval with its votes.") { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, id };
        show.SetAction((parse, ct) => CallAsync(parse, HttpMethod.Get, "/" + parse.GetValue(id), null, body => Console.WriteLine(body), ct));

        var reason = new Option<string?>("--reason") { Description = "Why; shown to the requester." };
        var uses = new Option<int?>("--uses") { Description = "approve: how many times the same call may pass (default 1)." };
        var validFor = new Option<int?>("--valid-for") { Description = "approve: for how many seconds it may be used." };
        Command Decide(string verb, string description)
        {
            var command = new Command(verb, description) { CredentialsCommand.Gateway, CredentialsCommand.TokenFile, id, reason, uses, validFor };
            command.SetAction((parse, ct) => CallAsync(parse, HttpMethod.Post, $"/{parse.GetValue(id)}/{verb}",
                new ApprovalsApi.DecisionBody(parse.GetValue(reason), parse.GetValue(uses), parse.GetValue(validFor)),
                body => Console.WriteLine($"{verb}d: approval is now {JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()}"), ct));
            return command;
        }

        return new Command("approvals", "Decide calls held for review.")
        {
            list, show, Decide("approve", "Approve a held call."), Decide("deny", "Deny a held call."),
        };
    }

    private static Task<int> CallAsync(ParseResult parse, HttpMethod method, string path, object? body, Action<string> print, CancellationToken ct) =>
        CallApiAsync(parse, method, ApprovalsApi.Prefix + path, body, print, ct);

    /// <summary>Calls the gateway's API with the token file's OIDC token; prints the answer or the problem's detail.</summary>
    internal static async Task<int> CallApiAsync(ParseResult parse, HttpMethod method, string path, object? body, Action<string> print, CancellationToken ct)
    {
        var token = (await File.ReadAllTextAsync(parse.GetValue(CredentialsCommand.TokenFile)!, ct)).Trim();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, parse.GetValue(CredentialsCommand.Gateway)!.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var detail = text.Length > 0 && text.TrimStart().StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : text;
            await Console.Error.WriteLineAsync($"airlock: {(int)response.StatusCode}: {detail}");
            return 1;
        }

        print(text);
        return 0;
    }
}
