using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Airlock.Demo;
using Airlock.Hosting;

namespace Airlock.Cli;

/// <summary>
/// <c>airlock demo</c>: Airlock with embedded defaults (SQLite, a DEMO-ONLY identity issuer, moto as the
/// upstream) so a newcomer can try it with no cloud account.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The gateway's port on 127.0.0.1.", DefaultValueFactory = _ => 8080 };
        var dataDir = new Option<string>("--data-dir") { Description = "Where the demo keeps its files.", DefaultValueFactory = _ => ".airlock-demo" };
        var python = new Option<string>("--python") { Description = "A Python with moto installed.", DefaultValueFactory = _ => MotoProcess.FindPython() };
        var tls = new Option<bool>("--tls") { Description = "Also listen with TLS on the next port (self-signed certificate), where SDKs take their chunked upload path." };
        var command = new Command("demo", "Run Airlock with a demo identity issuer and a local AWS emulator.") { port, dataDir, python, tls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(dataDir)!);
            var gatewayPort = parse.GetValue(port);
            Directory.CreateDirectory(dir);
            using var moto = await MotoProcess.StartAsync(parse.GetValue(python)!, FreePort(), Path.Combine(dir, "moto.log"));
            int? tlsPort = parse.GetValue(tls) ? gatewayPort + 1 : null;
            var configPath = DemoSetup.WriteConfig(dir, gatewayPort, moto.Endpoint, tlsPort);
            var (options, baseDirectory, policy, errors) = ConfigLoader.LoadWithPolicy(configPath, demo: true);
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync(string.Join('\n', errors));
                return 2;
            }

            var httpUrl = options.ListenUrls.First();
            var agentUrl = options.ListenUrls.Last();
            var issuer = new DemoIssuer(httpUrl);
            // Disposed at stop: the audit writer drains its queue and signs a last checkpoint.
            await using var app = await GatewayHost.BuildAsync(options, baseDirectory, policy!, configPath, issuer);
            await app.StartAsync(cancellationToken);
            var tokenFile = Path.Combine(dir, "token.jwt");
            DemoSetup.WritePrivate(tokenFile, issuer.MintToken("demo-agent", ["developers"], TimeSpan.FromHours(12)));
            Console.WriteLine($"""
                Airlock demo is running on {string.Join(" and ", options.ListenUrls)}
                DEMO ONLY: tokens come from Airlock's built-in demo issuer; the upstream is moto at {moto.Endpoint}.

                Point an agent at it (AWS CLI >= 2.13, boto3 >= 1.28):
                  export AWS_ENDPOINT_URL={agentUrl}{(tlsPort is null ? "" : $"\n  export AWS_CA_BUNDLE={Path.Combine(dir, "cert.pem")}")}
                  export AWS_WEB_IDENTITY_TOKEN_FILE={tokenFile}
                  export AWS_ROLE_ARN=arn:aws:iam::000000000000:role/demo
                  export AWS_ROLE_SESSION_NAME=demo-agent
                  export AWS_REGION=us-east-1
                  export AWS_DEFAULT_REGION=us-east-1
                  export AWS_EC2_METADATA_DISABLED=true
                  aws s3 ls

                The console: {httpUrl}/console (DEMO ONLY login: the demo approver or the demo auditor).
                Try `aws dynamodb create-table …` then `aws dynamodb delete-table …`: the drop is held until the demo approver decides.

                Older AWS CLIs ignore AWS_ENDPOINT_URL: use credential_process and --endpoint-url instead (see README).
                Audit trail: airlock audit tail --config {configPath}
                Ctrl-C stops the demo.
                """);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
