using Airlock.Cli;
using Airlock.Hosting;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Airlock.Tests.Unit.Deploy;

/// <summary>
/// The Compose quick-start, parsed (no container engine runs here) and checked against what Airlock really runs and
/// reads: each service's command is one Airlock's own parser takes, the configuration loads, the variables set are ones
/// Airlock reads and those it names are set, the nodes' ports are the load balancer's upstreams and their health checks'.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "deploy", "compose");

    private static Dictionary<object, object> Map(object node) => (Dictionary<object, object>)node;

    private static List<string> Strings(object node) => ((List<object>)node).Select(o => (string)o).ToList();

    [Fact]
    public void TheQuickStart_RunsAirlocksOwnCommands_OnThePortsAndVariablesItReads()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "compose.yaml"));
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(new StringReader(text))));
        var services = Map(compose["services"]).ToDictionary(kv => (string)kv.Key, kv => Map(kv.Value));
        Assert.Equal(["airlock-1", "airlock-2", "issuer", "lb", "moto", "postgres"], services.Keys.Order());
        Assert.Contains("pg_isready", string.Join(' ', Strings(Map(services["postgres"]["healthcheck"])["test"])));

        // The image is built from the Dockerfile the image checks run.
        var build = Map(services["issuer"]["build"]);
        Assert.True(File.Exists(Path.Combine(Folder, (string)build["context"], (string)build["dockerfile"])));

        // The demo issuer: a command Airlock takes, naming the issuer the configuration trusts.
        var issuerArgs = Strings(services["issuer"]["command"]);
        Assert.Equal("demo-issuer", issuerArgs[0]);
        var issuerParse = DemoIssuerCommand.Create().Parse(issuerArgs[1..]);
        Assert.Empty(issuerParse.Errors);
        var (options, _, policy, errors) = ConfigLoader.LoadWithPolicy(Path.Combine(Folder, "airlock.yaml"));
        Assert.NotNull(policy);
        Assert.Equal(issuerArgs[issuerArgs.IndexOf("--url") + 1] + "/_airlock/demo-oidc", options.Issuers.Single().Issuer);
        Assert.Contains($"127.0.0.1:{new Uri(issuerArgs[issuerArgs.IndexOf("--listen") + 1]).Port}:", Strings(services["issuer"]["ports"]).Single());

        var upstreams = new HashSet<int>();
        var ports = new HashSet<int>();
        foreach (var name in new[] { "airlock-1", "airlock-2" })
        {
            var node = services[name];
            Assert.Equal("service:issuer", node["network_mode"]);
            var command = Strings(node["command"]);
            Assert.Equal(DockerfileSteps.Command, command);
            Assert.Empty(ServeCommand.Create().Parse(command[1..]).Errors);
            Assert.Equal(command[command.IndexOf("--config") + 1], Map(((List<object>)node["configs"]).Single())["target"]);

            var environment = Map(node["environment"]).ToDictionary(kv => (string)kv.Key, kv => (string)kv.Value);
            var set = environment.Keys.ToHashSet();
            AirlockSettings.AssertOnlyUnsetVariables(errors, set);
            var named = AirlockSettings.NamedBy(options);
            Assert.Subset(set, named.ToHashSet());
            Assert.All(set.Except(named), v => Assert.True(AirlockSettings.IsOverride(v), $"{name}: {v} is not a variable Airlock reads"));
            Assert.Contains("AIRLOCK_Store__Postgresql", set);

            // Each node's own ports in the network they share, and its health check asks its own admin port.
            var listen = new Uri(environment.GetValueOrDefault("AIRLOCK_Listen") ?? options.Listen).Port;
            var admin = new Uri(environment.GetValueOrDefault("AIRLOCK_Admin__Listen") ?? options.Admin.Listen!).Port;
            Assert.True(ports.Add(listen) && ports.Add(admin), $"{name} shares a port with the other node");
            upstreams.Add(listen);
            var health = node.TryGetValue("healthcheck", out var check) ? Strings(Map(check)["test"]).Skip(1).ToList() : DockerfileSteps.HealthCheck.ToList();
            Assert.Equal(admin, new Uri(health[health.IndexOf("--url") + 1]).Port);
            Assert.Equal("/readyz", new Uri(health[health.IndexOf("--url") + 1]).AbsolutePath);
        }

        // The load balancer sends to exactly the nodes' API ports, and publishes its own.
        var nginx = File.ReadAllText(Path.Combine(Folder, "nginx.conf"));
        var servers = System.Text.RegularExpressions.Regex.Matches(nginx, @"server issuer:(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(upstreams.Order(), servers.Order());
        var listenPort = System.Text.RegularExpressions.Regex.Match(nginx, @"listen (\d+);").Groups[1].Value;
        Assert.EndsWith(":" + listenPort, Strings(services["lb"]["ports"]).Single());

        // The upstream connection is the moto service, on the port it is told to listen on.
        var moto = Strings(services["moto"]["command"]);
        Assert.Equal(new Uri($"http://moto:{moto[moto.IndexOf("-p") + 1]}"), new Uri(options.Connections.Single().Endpoint!));

        // Every variable compose.yaml takes from .env is in .env.example.
        var example = File.ReadAllLines(Path.Combine(Folder, ".env.example")).Where(l => l.Contains('=') && !l.StartsWith('#')).Select(l => l.Split('=')[0]).ToHashSet();
        var used = System.Text.RegularExpressions.Regex.Matches(text, @"\$\{([A-Z_]+)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Subset(example, used);
    }
}
