using System.CommandLine;
using Airlock.Hosting;

namespace Airlock.Cli;

/// <summary><c>airlock serve --config airlock.yaml</c>: the gateway for real use.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the gateway with a configuration file.") { CommonOptions.Config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configPath = ConfigLoader.ResolvePath(parse.GetValue(CommonOptions.Config));
            var (options, baseDirectory, policy, errors) = ConfigLoader.LoadWithPolicy(configPath);
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync("airlock: the configuration is not valid:\n  " + string.Join("\n  ", errors));
                return 2;
            }

            // Disposed at stop: the audit writer drains its queue and signs a last checkpoint.
            await using var app = await GatewayHost.BuildAsync(options, baseDirectory, policy!, configPath);
            await app.StartAsync(cancellationToken);
            if (options.Logging.Format == "text")
            {
                Console.WriteLine($"Airlock is listening on {options.Listen}");
            }
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
