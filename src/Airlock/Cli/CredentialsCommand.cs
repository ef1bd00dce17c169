using System.CommandLine;
using System.Text.Json;
using System.Xml.Linq;

namespace Airlock.Cli;

/// <summary>
/// <c>airlock credentials</c>: exchanges an OIDC token for Airlock session credentials and prints them
/// as the JSON of AWS's <c>credential_process</c> setting.
/// </summary>
internal static class CredentialsCommand
{
    public static Command Create()
    {
        var gateway = new Option<string>("--gateway") { Description = "The gateway's URL.", Required = true };
        var tokenFile = new Option<string>("--token-file") { Description = "A file holding the OIDC token (JWT).", Required = true };
        var connection = new Option<string>("--connection") { Description = "The connection to get credentials for.", Required = true };
        var duration = new Option<int?>("--duration") { Description = "Requested lifetime in seconds (capped by the gateway)." };
        var command = new Command("credentials", "Print Airlock session credentials for credential_process.") { gateway, tokenFile, connection, duration };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = (await File.ReadAllTextAsync(parse.GetValue(tokenFile)!, cancellationToken)).Trim();
            var form = new Dictionary<string, string>
            {
                ["Action"] = "AssumeRoleWithWebIdentity",
                ["Version"] = "2011-06-15",
                ["RoleArn"] = $"arn:aws:iam::000000000000:role/{parse.GetValue(connection)}",
                ["RoleSessionName"] = "airlock-credentials",
                ["WebIdentityToken"] = token,
            };
            if (parse.GetValue(duration) is { } seconds)
            {
                form["DurationSeconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await http.PostAsync(parse.GetValue(gateway)!.TrimEnd('/') + "/", new FormUrlEncodedContent(form), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            XElement xml;
            try
            {
                xml = XElement.Parse(body);
            }
            catch (System.Xml.XmlException)
            {
                await Console.Error.WriteLineAsync($"airlock: the gateway answered {(int)response.StatusCode} with no STS response.");
                return 1;
            }

            string? Find(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"airlock: {Find("Code")}: {Find("Message")}");
                return 1;
            }

            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["Version"] = 1,
                ["AccessKeyId"] = Find("AccessKeyId"),
                ["SecretAccessKey"] = Find("SecretAccessKey"),
                ["SessionToken"] = Find("SessionToken"),
                ["Expiration"] = Find("Expiration"),
            }));
            return 0;
        });
        return command;
    }
}
