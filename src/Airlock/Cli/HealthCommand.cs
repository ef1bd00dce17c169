using System.CommandLine;

namespace Airlock.Cli;

/// <summary>
/// <c>airlock health</c>: asks a node's admin listener whether it is ready, for a container's health check (the runtime
/// image has no curl). Exits 0 when it answers 200.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "The readiness (or liveness) URL to ask.",
            DefaultValueFactory = _ => "http://127.0.0.1:9091/readyz",
        };
        var command = new Command("health", "Ask a node's admin listener whether it is ready (exit 0) or not (exit 1).") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), cancellationToken);
                Console.WriteLine(await response.Content.ReadAsStringAsync(cancellationToken));
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"no answer from {parse.GetValue(url)}: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
