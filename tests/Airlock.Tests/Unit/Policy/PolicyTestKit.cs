using System.Net;
using Airlock.Aws.Catalog;
using Airlock.Policy;

namespace Airlock.Tests.Unit.Policy;

/// <summary>Compiles policy text and builds requests from compact descriptions, for decision tables.</summary>
internal static class PolicyTestKit
{
    public static CompiledPolicy Compile(string yaml)
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText(yaml, "test.yaml", ".", principalOverride: null);
        if (parser.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("\n", parser.Errors));
        }

        return new CompiledPolicy(parser.Statements);
    }

    /// <summary>
    /// "region=us-east-1;ip=10.0.0.1;groups=a,b;subject=x;time=...;param:Name=V;resource=arn,arn". The action is an API
    /// operation (<c>s3:ListObjectsV2</c>, authorized as its IAM action from the catalog) or an IAM action.
    /// </summary>
    public static PolicyRequest Request(string action, string context = "")
    {
        var values = context.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToList();
        var parameters = values.Where(v => v[0].StartsWith("param:", StringComparison.Ordinal)).ToDictionary(v => v[0]["param:".Length..], v => v[1]);
        var (iamAction, accessLevel) = ServiceCatalog.Default.Authorization(action, parameters);
        string? Get(string key) => values.FirstOrDefault(v => v[0] == key)?[1];
        return new PolicyRequest(
            Get("subject") ?? "agent-1",
            (Get("groups") ?? "agents").Split(',', StringSplitOptions.RemoveEmptyEntries),
            Get("connection") ?? "prod",
            action,
            (Get("resource") ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            IamAction = iamAction,
            AccessLevel = accessLevel,
            Region = Get("region") ?? "us-east-1",
            SourceIp = Get("ip") is { } ip ? IPAddress.Parse(ip) : null,
            Time = Get("time") is { } time ? DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture) : new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
            Issuer = Get("issuer") ?? "https://idp.example.com",
            Parameters = parameters,
        };
    }
}
