using System.Globalization;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary><c>airlock policy test --against-audit</c>: a candidate policy, tried on the calls really made.</summary>
[Collection(AirlockCollection.Name)]
public sealed class PolicyReplayTests(AirlockEnvironment env)
{
    [Fact]
    public async Task CandidatePolicy_ListsTheRecordedDecisionsItWouldChange()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o", CultureInfo.InvariantCulture);
        var credentials = await env.NewSessionAsync(subject: "replayed-agent");
        var bucket = AirlockEnvironment.UniqueName("replay");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "dynamodb", "list-tables")).ExitCode);
        var candidate = Path.Combine(env.WorkDir, "candidate.yaml");
        await File.WriteAllTextAsync(candidate, """
            Statement:
              - Sid: TablesOnly
                Effect: Allow
                Principal: { Group: [agents] }
                Action: "dynamodb:*"
                Resource: "*"
            """);

        var result = await env.AirlockAsync("policy", "test", candidate, "--against-audit", "--since", since);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n');
        Assert.Contains(lines, l => l.Contains("replayed-agent s3:CreateBucket") && l.Contains($"arn:aws:s3:::{bucket}") && l.Contains("allow -> deny"));
        Assert.DoesNotContain(lines, l => l.Contains("replayed-agent dynamodb:ListTables"));
        Assert.Contains("would change", result.StdOut);
    }

    [Fact]
    public async Task AHeldCallApprovedByAPerson_IsReplayedAsTheReviewItWas_NotAsItsRelease()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o", CultureInfo.InvariantCulture);
        var credentials = await env.NewSessionAsync(subject: "replayed-held", groups: ["agents"]);
        var table = AirlockEnvironment.UniqueName("replay-held");
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=k,AttributeType=S",
            "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
        var approver = Path.Combine(env.WorkDir, "replay-sre.jwt");
        await File.WriteAllTextAsync(approver, env.Issuer.Mint(subject: "replay-sre", groups: ["sre"]));

        var delete = env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);
        string? id = null;
        for (var i = 0; i < 50 && id is null; i++)
        {
            await Task.Delay(200);
            id = (await env.AuditAsync()).LastOrDefault(e => e.AccessKeyId == credentials.AccessKeyId && e.Decision == "review")?.Reason?.Split(' ')[3];
        }

        Assert.NotNull(id);
        var approve = await ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, "approvals", "approve", id, "--gateway", env.Gateway.Url, "--token-file", approver],
            new Dictionary<string, string?>());
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.Equal(0, (await delete).ExitCode);

        // The same policy as a candidate: nothing about this call would change.
        var result = await env.AirlockAsync("policy", "test", Path.Combine(env.WorkDir, "policy.yaml"), "--against-audit", "--since", since);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(result.StdOut.Split('\n'), l => l.Contains("replayed-held dynamodb:DeleteTable"));
    }
}
