using Airlock.Policy;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

public sealed class StatementPolicyEvaluatorTests
{
    private static readonly StatementPolicyEvaluator Evaluator = new(new PolicyOptions
    {
        Statements =
        [
            new() { Sid = "Read", Effect = "Allow", Groups = ["agents"], Actions = ["s3:Get*", "s3:List*", "dynamodb:*"] },
            new() { Sid = "NoDrop", Effect = "Deny", Groups = ["*"], Actions = ["dynamodb:DeleteTable"] },
            new() { Sid = "Ops", Effect = "Allow", Subjects = ["ops-*"], Actions = ["*"], Connections = ["staging"] },
        ],
    });

    [Theory]
    [InlineData("agent", "agents", "prod", "s3:GetObject", "Allow", "Read")]
    [InlineData("agent", "agents", "prod", "S3:getobject", "Allow", "Read")]
    [InlineData("agent", "agents", "prod", "s3:PutObject", "Deny", null)]
    [InlineData("agent", "agents", "prod", "dynamodb:DeleteTable", "Deny", "NoDrop")]
    [InlineData("agent", "others", "prod", "s3:GetObject", "Deny", null)]
    [InlineData("ops-anna", "none", "staging", "iam:CreateUser", "Allow", "Ops")]
    [InlineData("ops-anna", "none", "prod", "iam:CreateUser", "Deny", null)]
    [InlineData("ops-anna", "none", "staging", "dynamodb:DeleteTable", "Deny", "NoDrop")]
    public void Evaluate_DenyWinsThenAllowElseDefaultDeny(string subject, string group, string connection, string action, string effect, string? sid)
    {
        var decision = Evaluator.Evaluate(new PolicyRequest(subject, [group], connection, action, ["*"]));

        Assert.Equal(effect, decision.Effect.ToString());
        if (sid is null)
        {
            Assert.Empty(decision.StatementIds);
            Assert.Contains("No policy statement allows", decision.Reason);
        }
        else
        {
            Assert.Equal(sid, decision.StatementIds[0]);
            Assert.Contains(sid, decision.Reason);
        }
    }

    [Theory]
    [InlineData("s3:*", "s3:GetObject", true)]
    [InlineData("s3:Get?bject", "s3:GetObject", true)]
    [InlineData("s3:Get*", "s3:PutObject", false)]
    [InlineData("*Object", "s3:GetObject", true)]
    [InlineData("s3:GetObject", "s3:GetObjectAcl", false)]
    public void Wildcard_MatchesLikeIam(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, Wildcard.Matches(pattern, value));
    }
}
