using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>The real <c>airlock policy</c> command.</summary>
public sealed class PolicyCommandTests
{
    private static Task<ProcessResult> Airlock(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, .. args], new Dictionary<string, string?>());

    [Fact]
    public async Task Check_ListsEveryErrorWithItsLine_AndFails()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("airlock-policy-").FullName, "bad.yaml");
        await File.WriteAllTextAsync(file, """
            Statement:
              - Sid: One
                Effect: Allow
                Principal: "*"
                Action: s3:GetObjekt
                Resource: "*"
              - Sid: Two
                Effect: Deny
                Principal: "*"
                Action: s3:GetObject
                Resource: arn:aws:s3
            """);

        var result = await Airlock("policy", "check", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}:5:", result.StdErr);
        Assert.Contains($"{file}:11:", result.StdErr);
        Assert.Contains("2 errors", result.StdOut);
    }

    [Fact]
    public async Task Explain_GivesTheDecisionAndTheStatementsBehindIt()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("airlock-policy-").FullName, "policy.yaml");
        await File.WriteAllTextAsync(file, """
            Include: [preset:destructive-needs-review]
            Statement:
              - Sid: AgentsTables
                Effect: Allow
                Principal: { Group: [agents] }
                Action: "dynamodb:*"
                Resource: "arn:aws:dynamodb:*:*:table/*"
                Condition:
                  StringLike: { "airlock:Param/TableName": "agent-*" }
            """);

        var allowed = await Airlock("policy", "explain", "--policy", file, "--group", "agents", "--action", "dynamodb:PutItem",
            "--resource", "arn:aws:dynamodb:us-east-1:1:table/agent-x", "--param", "TableName=agent-x");
        var review = await Airlock("policy", "explain", "--policy", file, "--group", "agents", "--action", "dynamodb:DeleteTable",
            "--resource", "arn:aws:dynamodb:us-east-1:1:table/agent-x", "--param", "TableName=agent-x");
        var denied = await Airlock("policy", "explain", "--policy", file, "--group", "agents", "--action", "dynamodb:PutItem",
            "--resource", "arn:aws:dynamodb:us-east-1:1:table/prod", "--param", "TableName=prod");

        Assert.Contains("decision: allow", allowed.StdOut);
        Assert.Contains($"statement AgentsTables (Allow) at {file}:3", allowed.StdOut);
        Assert.Contains("decision: review", review.StdOut);
        Assert.Contains("DestructiveNeedsReview", review.StdOut);
        Assert.Contains("decision: deny (default)", denied.StdOut);
    }
}
