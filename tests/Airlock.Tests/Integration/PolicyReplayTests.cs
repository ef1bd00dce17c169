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
}
