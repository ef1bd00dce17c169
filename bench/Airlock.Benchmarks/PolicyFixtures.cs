using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Policy;

namespace Airlock.Benchmarks;

/// <summary>Builds large policies for benchmarks and their allocation budget test.</summary>
internal static class PolicyFixtures
{
    private static readonly string[] Services = ["s3", "dynamodb", "sqs", "sns", "ec2", "lambda", "logs", "kms", "ssm", "secretsmanager"];

    internal static CompiledPolicy Compile(int statements)
    {
        var yaml = new StringBuilder("Statement:\n");
        for (var i = 0; i < statements; i++)
        {
            var service = Services[i % Services.Length];
            var resource = service == "s3" ? $"\"arn:aws:s3:::bucket-{i}/*\"" : "\"*\"";
            yaml.Append($$"""
                  - Sid: S{{i}}
                    Effect: {{(i % 10 == 9 ? "Deny" : "Allow")}}
                    Principal: { Group: [team-{{i % 100}}] }
                    Action: ["{{service}}:Get*", "{{service}}:List*"]
                    Resource: {{resource}}
                    Condition:
                      StringEquals: { "aws:RequestedRegion": [us-east-1, eu-west-1] }

                """);
        }

        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText(yaml.ToString(), "bench.yaml", ".", null);
        if (parser.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join('\n', parser.Errors.Take(5)));
        }

        return new CompiledPolicy(parser.Statements);
    }

    internal static PolicyRequest Request(string action, string group, string resource) =>
        new("agent-1", [group], "prod", action, [resource]) { Region = "us-east-1", Time = TimeProvider.System.GetUtcNow() };
}
