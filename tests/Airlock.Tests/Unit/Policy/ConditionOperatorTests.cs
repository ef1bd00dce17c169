using Xunit;

namespace Airlock.Tests.Unit.Policy;

/// <summary>Every condition operator family, IfExists, multi-valued keys and the set operators.</summary>
public sealed class ConditionOperatorTests
{
    public static TheoryData<string, string, string, string, bool> Cases => new()
    {
        // operator, key, policy values (|-separated), request context, allowed
        { "StringEquals", "airlock:Param/TableName", "orders|users", "param:TableName=orders", true },
        { "StringEquals", "airlock:Param/TableName", "orders", "param:TableName=Orders", false },
        { "StringEquals", "airlock:Param/TableName", "orders", "", false },
        { "StringNotEquals", "airlock:Param/TableName", "prod", "param:TableName=dev", true },
        { "StringNotEquals", "airlock:Param/TableName", "prod", "param:TableName=prod", false },
        { "StringNotEquals", "airlock:Param/TableName", "prod", "", true },
        { "StringEqualsIgnoreCase", "airlock:Subject", "AGENT-1", "subject=agent-1", true },
        { "StringNotEqualsIgnoreCase", "airlock:Subject", "AGENT-1", "subject=agent-1", false },
        { "StringLike", "airlock:Param/Key", "reports/*.csv", "param:Key=reports/2026/q1.csv", true },
        { "StringLike", "airlock:Param/Key", "reports/?.csv", "param:Key=reports/ab.csv", false },
        { "StringNotLike", "airlock:Param/Key", "secret/*", "param:Key=public/a", true },
        { "NumericLessThanEquals", "airlock:Param/MaxCount", "5", "param:MaxCount=5", true },
        { "NumericLessThan", "airlock:Param/MaxCount", "5", "param:MaxCount=5", false },
        { "NumericGreaterThan", "airlock:Param/MaxCount", "5", "param:MaxCount=6", true },
        { "NumericGreaterThanEquals", "airlock:Param/MaxCount", "5", "param:MaxCount=4.5", false },
        { "NumericEquals", "airlock:Param/MaxCount", "5", "param:MaxCount=five", false },
        { "NumericNotEquals", "airlock:Param/MaxCount", "5", "param:MaxCount=4", true },
        { "DateLessThan", "aws:CurrentTime", "2027-01-01T00:00:00Z", "time=2026-11-22T12:00:00Z", true },
        { "DateGreaterThan", "aws:CurrentTime", "2027-01-01T00:00:00Z", "time=2026-11-22T12:00:00Z", false },
        { "DateGreaterThanEquals", "aws:CurrentTime", "1795000000", "time=2026-11-22T12:00:00Z", true },
        { "DateEquals", "aws:CurrentTime", "2026-11-22T12:00:00Z", "time=2026-11-22T12:00:00Z", true },
        { "DateNotEquals", "aws:CurrentTime", "2026-11-22T12:00:00Z", "time=2026-11-22T12:00:01Z", true },
        { "DateLessThanEquals", "aws:CurrentTime", "2026-11-22T11:59:59Z", "time=2026-11-22T12:00:00Z", false },
        { "Bool", "airlock:Param/DryRun", "true", "param:DryRun=True", true },
        { "Bool", "airlock:Param/DryRun", "true", "param:DryRun=false", false },
        { "IpAddress", "aws:SourceIp", "10.0.0.0/8|192.168.1.7", "ip=10.20.30.40", true },
        { "IpAddress", "aws:SourceIp", "10.0.0.0/8|192.168.1.7", "ip=192.168.1.7", true },
        { "IpAddress", "aws:SourceIp", "10.0.0.0/8", "ip=11.0.0.1", false },
        { "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "ip=11.0.0.1", true },
        { "IpAddress", "aws:SourceIp", "2001:db8::/32", "ip=2001:db8::1", true },
        { "ArnLike", "airlock:Param/RoleArn", "arn:aws:iam::*:role/agents-*", "param:RoleArn=arn:aws:iam::123:role/agents-ci", true },
        { "ArnEquals", "airlock:Param/RoleArn", "arn:aws:iam::123:role/x", "param:RoleArn=arn:aws:iam::123:role/y", false },
        { "ArnNotLike", "airlock:Param/RoleArn", "arn:aws:iam::*:role/admin*", "param:RoleArn=arn:aws:iam::123:role/agents", true },
        { "ArnNotEquals", "airlock:Param/RoleArn", "arn:aws:iam::123:role/x", "param:RoleArn=arn:aws:iam::123:role/x", false },
        { "Null", "airlock:Param/KmsKeyId", "true", "", true },
        { "Null", "airlock:Param/KmsKeyId", "true", "param:KmsKeyId=k", false },
        { "Null", "airlock:Param/KmsKeyId", "false", "param:KmsKeyId=k", true },
        { "StringEqualsIfExists", "airlock:Param/InstanceType", "t3.micro", "", true },
        { "StringEqualsIfExists", "airlock:Param/InstanceType", "t3.micro", "param:InstanceType=m5.large", false },
        { "StringEquals", "airlock:Groups", "sre", "groups=agents,sre", true },
        { "StringNotEquals", "airlock:Groups", "contractors", "groups=agents,contractors", false },
        { "ForAnyValue:StringEquals", "airlock:Groups", "sre|ops", "groups=agents,ops", true },
        { "ForAnyValue:StringEquals", "airlock:Groups", "sre", "groups=agents", false },
        { "ForAllValues:StringLike", "airlock:Param/Names", "/app/*", "param:Names.1=/app/a;param:Names.2=/app/b", true },
        { "ForAllValues:StringLike", "airlock:Param/Names", "/app/*", "param:Names.1=/app/a;param:Names.2=/other/b", false },
        { "ForAllValues:StringEquals", "airlock:Param/Names", "x", "", true },
        { "ForAnyValue:StringEquals", "airlock:Param/Names", "x", "", false },
        { "StringEquals", "aws:RequestedRegion", "eu-west-1", "region=eu-west-1", true },
        { "StringEquals", "airlock:Connection", "staging", "connection=prod", false },
        { "StringLike", "airlock:Issuer", "https://idp.example.com*", "", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Condition_DecidesLikeIam(string op, string key, string values, string context, bool allowed)
    {
        var list = string.Join(", ", values.Split('|').Select(v => $"\"{v}\""));
        var policy = PolicyTestKit.Compile($$"""
            Statement:
              - Sid: Conditional
                Effect: Allow
                Principal: "*"
                Action: "dynamodb:*"
                Resource: "*"
                Condition:
                  {{op}}: { "{{key}}": [{{list}}] }
            """);

        var decision = policy.Evaluate(PolicyTestKit.Request("dynamodb:Scan", context));

        Assert.Equal(allowed, decision.IsAllowed);
    }
}
