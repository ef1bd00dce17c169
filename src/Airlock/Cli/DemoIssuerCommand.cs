using System.CommandLine;
using Airlock.Demo;
using Airlock.Hosting;

namespace Airlock.Cli;

/// <summary>
/// <c>airlock demo-issuer</c>: DEMO ONLY. The demo's identity issuer on its own, for the Compose quick-start's nodes to
/// trust (they share its network, so it is a loopback issuer to them): discovery and keys, and a page that mints a
/// token for any subject and groups. Its key lives in memory for one run. Never point a real deployment at it.
/// </summary>
internal static class DemoIssuerCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Where it listens.", DefaultValueFactory = _ => "http://127.0.0.1:8090" };
        var url = new Option<string?>("--url") { Description = "The origin its issuer URL names, as the gateways reach it (default: --listen)." };
        var command = new Command("demo-issuer", "DEMO ONLY: run the demo identity issuer alone, with a token page (GET /_airlock/demo-oidc/token?subject=…&groups=…).") { listen, url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bind = parse.GetValue(listen)!;
            var builder = GatewayHost.CreateBuilder();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.WebHost.UseUrls(bind);
            await using var app = builder.Build();
            var issuer = new DemoIssuer(parse.GetValue(url) ?? bind);
            issuer.Map(app);
            app.MapGet(issuer.TokenPath, (string? subject, string? groups) =>
                Results.Text(issuer.MintToken(subject ?? "demo-agent", (groups ?? "developers").Split(',', StringSplitOptions.RemoveEmptyEntries), TimeSpan.FromHours(12))));
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"DEMO ONLY: demo issuer {issuer.Issuer}; tokens at {bind.TrimEnd('/')}{issuer.TokenPath}?subject=demo-agent&groups=developers");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
