using Airlock.Aws.Catalog;
using Airlock.Policy;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

public sealed class PolicyParserTests
{
    [Fact]
    public void Parse_ReportsEveryErrorWithFileAndLine()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""
            Statement:
              - Sid: A
                Effect: Allow
                Principal: "*"
                Action: s3:GetObjekt
                Resource: "*"
              - Sid: B
                Effect: Permit
                Principal: "*"
                Action: nosuchservice:Get*
                Resource: "not-an-arn"
              - Sid: C
                Effect: Allow
                Principal: { Team: [x] }
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  StringEqualsSometimes: { "aws:RequestedRegion": us-east-1 }
                  StringEquals: { "aws:Nonsense": x }
              - Sid: D
                Effect: Review
                Principal: "*"
                Action: dynamodb:DeleteTable
                Resource: "*"
                Colour: blue
            """, "policy.yaml", ".", null);

        var errors = parser.Errors;
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:5:", StringComparison.Ordinal) && e.Contains("'s3:GetObjekt' matches no IAM action nor API operation"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:8:", StringComparison.Ordinal) && e.Contains("Effect must be Allow, Deny or Review"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:10:", StringComparison.Ordinal) && e.Contains("no AWS service has the action prefix 'nosuchservice'"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:11:", StringComparison.Ordinal) && e.Contains("'not-an-arn' is not an ARN"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:14:", StringComparison.Ordinal) && e.Contains("unknown principal kind 'Team'"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:18:", StringComparison.Ordinal) && e.Contains("unknown condition operator 'StringEqualsSometimes'"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:19:", StringComparison.Ordinal) && e.Contains("unknown condition key 'aws:Nonsense'"));
        Assert.Contains(errors, e => e.StartsWith("policy.yaml:25:", StringComparison.Ordinal) && e.Contains("unknown statement key 'Colour'"));
        Assert.Contains(errors, e => e.Contains("statement D: a Review statement names its Approvers"));
        Assert.DoesNotContain(parser.Statements, s => s.Sid is "A" or "B" or "C" or "D");
    }

    [Fact]
    public void Json_IsAcceptedToo()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""{"Version": "2012-10-17", "Statement": [{"Sid": "J", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "*"}]}""", "p.json", ".", null);

        Assert.Empty(parser.Errors);
        Assert.Equal("J", Assert.Single(parser.Statements).Sid);
    }

    [Theory]
    [InlineData("read-only")]
    [InlineData("destructive-needs-review")]
    [InlineData("deny-privilege-escalation")]
    public void Presets_AreValid(string preset)
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText($"Include: [preset:{preset}]", "p.yaml", ".", null);

        Assert.Empty(parser.Errors);
        Assert.NotEmpty(parser.Statements);
    }

    [Fact]
    public void Preset_WithAPrincipal_AppliesToThoseCallersOnly()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("Include: [{ Preset: read-only, Principal: { Group: [agents] } }]", "p.yaml", ".", null);
        var policy = new CompiledPolicy(parser.Statements);

        Assert.True(policy.Evaluate(PolicyTestKit.Request("ec2:DescribeInstances", "groups=agents")).IsAllowed);
        Assert.False(policy.Evaluate(PolicyTestKit.Request("ec2:DescribeInstances", "groups=others")).IsAllowed);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("secretsmanager:GetSecretValue", "groups=agents")).IsDenied);
        Assert.False(policy.Evaluate(PolicyTestKit.Request("ec2:TerminateInstances", "groups=agents")).IsAllowed);
    }
}
