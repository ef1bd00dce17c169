using System.CommandLine;
using System.Text.Json;

namespace Airlock.Cli;

/// <summary>
/// <c>airlock credentials</c>: exchanges an OIDC token for Airlock session credentials and prints them
/// as the JSON of AWS's <c>credential_process</c> setting.
/// </summary>
internal static class CredentialsCommand
{
    public static readonly Option<string> Gateway = new("--gateway") { Description = "The gateway's URL.", Required = true };
    public static readonly Option<string> TokenFile = new("--token-file") { Description = "A file holding the OIDC token (JWT).", Required = true };
    public static readonly Option<string> Connection = new("--connection") { Description = "The connection to get credentials for.", Required = true };

    public static Command Create()
    {
        var duration = new Option<int?>("--duration") { Description = "Requested lifetime in seconds (capped by the gateway)." };
        var command = new Command("credentials", "Print Airlock session credentials for credential_process.") { Gateway, TokenFile, Connection, duration };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (credentials, error) = await ExchangeAsync(parse, parse.GetValue(duration), cancellationToken);
            if (credentials is null)
            {
                await Console.Error.WriteLineAsync($"airlock: {error}");
                return 1;
            }

            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Version"] = 1,
                ["AccessKeyId"] = credentials["AccessKeyId"],
                ["SecretAccessKey"] = credentials["SecretAccessKey"],
                ["SessionToken"] = credentials["SessionToken"],
                ["Expiration"] = credentials["Expiration"],
            }));
            return 0;
        });
        return command;
    }

    /// <summary>The shared first step of the commands that act as a caller: token → session credentials.</summary>
    public static async Task<(Dictionary<string, string>? Credentials, string? Error)> ExchangeAsync(
        System.CommandLine.ParseResult parse, int? duration, CancellationToken cancellationToken)
    {
        var token = (await File.ReadAllTextAsync(parse.GetValue(TokenFile)!, cancellationToken)).Trim();
        using var gateway = new GatewayClient(parse.GetValue(Gateway)!);
        return await gateway.ExchangeAsync(token, parse.GetValue(Connection)!, duration, cancellationToken);
    }
}
