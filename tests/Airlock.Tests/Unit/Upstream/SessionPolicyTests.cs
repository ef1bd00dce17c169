using System.Text.Json;
using Airlock.Identity;
using Airlock.Tests.Unit.Policy;
using Airlock.Upstream;
using Xunit;

namespace Airlock.Tests.Unit.Upstream;

public sealed class SessionPolicyTests
{
    private static Session SessionOf(params string[] groups) =>
        new("sess-1", "ASIA1", "s", "t", "agent-1", "https://idp", groups, "prod", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), null);

    [Fact]
    public void For_KeepsOnlyWhatTheCallersStatementsCouldAllow()
    {
        var policy = PolicyTestKit.Compile("""
            Statement:
              - Sid: Agents
                Effect: Allow
                Principal: { Group: [agents] }
                Action: ["s3:GetObject", "s3:ListObjectsV2"]
                Resource: "arn:aws:s3:::reports/*"
              - Sid: Reviewed
                Effect: Review
                Principal: "*"
                Action: dynamodb:DeleteTable
                Resource: "*"
                Approvers: [sre]
              - Sid: Others
                Effect: Allow
                Principal: { Group: [admins] }
                Action: "iam:*"
                Resource: "*"
            """);

        using var json = JsonDocument.Parse(SessionPolicy.For(policy, SessionOf("agents"))!);

        var statements = json.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        Assert.Equal(2, statements.Count);
        Assert.Equal("s3:GetObject", statements[0].GetProperty("Action")[0].GetString());
        Assert.Equal("arn:aws:s3:::reports/*", statements[0].GetProperty("Resource")[0].GetString());
        Assert.Equal("dynamodb:DeleteTable", statements[1].GetProperty("Action")[0].GetString());
        Assert.DoesNotContain("iam:", json.RootElement.GetRawText());
    }

    [Fact]
    public void For_ACallerWithNoRights_GetsADenyAll()
    {
        var policy = PolicyTestKit.Compile("Statement: []");

        Assert.Contains("\"Effect\":\"Deny\"", SessionPolicy.For(policy, SessionOf("nobody")));
    }

    [Fact]
    public void For_TooLongForSts_WidensToWholeServices()
    {
        var actions = string.Join(", ", Enumerable.Range(0, 150).Select(i => i % 2 == 0 ? "\"s3:GetObject\"" : "\"dynamodb:GetItem\""));
        var resources = string.Join(", ", Enumerable.Range(0, 60).Select(i => $"\"arn:aws:s3:::bucket-number-{i}/*\""));
        var policy = PolicyTestKit.Compile($$"""
            Statement:
              - Sid: Long
                Effect: Allow
                Principal: "*"
                Action: [{{actions}}]
                Resource: [{{resources}}]
            """);

        var text = SessionPolicy.For(policy, SessionOf("any"))!;

        Assert.True(text.Length <= SessionPolicy.MaxLength);
        Assert.Contains("\"dynamodb:*\"", text);
        Assert.Contains("\"s3:*\"", text);
    }
}
