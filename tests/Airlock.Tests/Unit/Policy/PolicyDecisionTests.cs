using Airlock.Policy;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

/// <summary>IAM's evaluation logic, decision by decision, plus Review.</summary>
public sealed class PolicyDecisionTests
{
    private static readonly CompiledPolicy Policy = PolicyTestKit.Compile("""
        Statement:
          - Sid: ReadS3
            Effect: Allow
            Principal: { Group: [agents] }
            Action: ["s3:Get*", "s3:List*"]
            Resource: "*"
          - Sid: WriteAgentBucket
            Effect: Allow
            Principal: { Group: [agents] }
            Action: s3:PutObject
            Resource: "arn:aws:s3:::agent-bucket/*"
          - Sid: NoSecretsBucket
            Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: ["arn:aws:s3:::secrets", "arn:aws:s3:::secrets/*"]
          - Sid: OpsAllButIam
            Effect: Allow
            Principal: { Group: [ops] }
            NotAction: "iam:*"
            Resource: "*"
          - Sid: DataNotProdTables
            Effect: Allow
            Principal: { Group: [data] }
            Action: "dynamodb:*"
            NotResource: "arn:aws:dynamodb:*:*:table/prod-*"
          - Sid: DropNeedsReview
            Effect: Review
            Principal: "*"
            Action: dynamodb:DeleteTable
            Resource: "*"
            Approvers: [sre]
            Quorum: 2
          - Sid: CiSubjects
            Effect: Allow
            Principal: { Subject: ["ci-*"] }
            Action: "ecr:*"
            Resource: "*"
          - Sid: RegionLock
            Effect: Deny
            Principal: "*"
            NotAction: "sts:*"
            Resource: "*"
            Condition:
              StringNotEqualsIfExists: { "aws:RequestedRegion": [us-east-1, eu-west-1] }
          - Sid: ProdConnectionReadOnly
            Effect: Deny
            Principal: { Group: [data] }
            Action: ["dynamodb:Put*", "dynamodb:Update*", "dynamodb:Delete*"]
            Resource: "*"
            Condition:
              StringEquals: { "airlock:Connection": prod }
        """);

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // action, context, expected effect (Allow, Deny, Review, default), deciding statement
        { "s3:GetObject", "resource=arn:aws:s3:::reports/a.csv", "Allow", "ReadS3" },
        { "S3:GETOBJECT", "resource=arn:aws:s3:::reports/a.csv", "Allow", "ReadS3" },
        { "s3:ListBucket", "resource=arn:aws:s3:::reports", "Allow", "ReadS3" },
        { "s3:GetObject", "resource=arn:aws:s3:::secrets/key.pem", "Deny", "NoSecretsBucket" },
        { "s3:ListBucket", "resource=arn:aws:s3:::secrets", "Deny", "NoSecretsBucket" },
        { "s3:PutObject", "resource=arn:aws:s3:::agent-bucket/out/1.json", "Allow", "WriteAgentBucket" },
        { "s3:PutObject", "resource=arn:aws:s3:::other-bucket/1.json", "default", null },
        { "s3:PutObject", "resource=arn:aws:s3:::Agent-Bucket/1.json", "default", null },
        { "s3:PutObject", "resource=arn:aws:s3:::agent-bucket/a,arn:aws:s3:::other/b", "default", null },
        { "s3:DeleteObject", "resource=arn:aws:s3:::agent-bucket/1.json", "default", null },
        { "s3:GetObject", "groups=visitors;resource=arn:aws:s3:::reports/a.csv", "default", null },
        { "s3:GetObject", "groups=;resource=arn:aws:s3:::reports/a.csv", "default", null },
        { "ec2:RunInstances", "groups=ops", "Allow", "OpsAllButIam" },
        { "iam:CreateUser", "groups=ops", "default", null },
        { "iam:ListUsers", "groups=ops", "default", null },
        { "s3:GetObject", "groups=ops;resource=arn:aws:s3:::secrets/x", "Deny", "NoSecretsBucket" },
        { "dynamodb:GetItem", "groups=data;connection=staging;resource=arn:aws:dynamodb:us-east-1:1:table/orders", "Allow", "DataNotProdTables" },
        { "dynamodb:GetItem", "groups=data;connection=staging;resource=arn:aws:dynamodb:us-east-1:1:table/prod-orders", "default", null },
        { "dynamodb:PutItem", "groups=data;connection=staging;resource=arn:aws:dynamodb:us-east-1:1:table/orders", "Allow", "DataNotProdTables" },
        { "dynamodb:PutItem", "groups=data;connection=prod;resource=arn:aws:dynamodb:us-east-1:1:table/orders", "Deny", "ProdConnectionReadOnly" },
        { "dynamodb:DeleteTable", "groups=data;connection=staging;resource=arn:aws:dynamodb:us-east-1:1:table/orders", "Review", "DropNeedsReview" },
        { "dynamodb:DeleteTable", "groups=data;connection=prod;resource=arn:aws:dynamodb:us-east-1:1:table/orders", "Deny", "ProdConnectionReadOnly" },
        { "dynamodb:DeleteTable", "groups=visitors", "Review", "DropNeedsReview" },
        { "ecr:GetAuthorizationToken", "subject=ci-runner-7;groups=", "Allow", "CiSubjects" },
        { "ecr:GetAuthorizationToken", "subject=agent-ci;groups=", "default", null },
        { "s3:GetObject", "region=ap-south-1;resource=arn:aws:s3:::reports/a", "Deny", "RegionLock" },
        { "s3:GetObject", "region=eu-west-1;resource=arn:aws:s3:::reports/a", "Allow", "ReadS3" },
        { "sts:GetCallerIdentity", "region=ap-south-1;groups=ops", "Allow", "OpsAllButIam" },
        { "s3:GetObject", "region=;resource=arn:aws:s3:::reports/a", "Deny", "RegionLock" },
        { "s3:PutObject", "resource=*", "Deny", "NoSecretsBucket" },
        { "s3:DeleteBucket", "groups=ops;resource=*", "Deny", "NoSecretsBucket" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_FollowsIamLogicWithReview(string action, string context, string expected, string? sid)
    {
        var decision = Policy.Evaluate(PolicyTestKit.Request(action, context));

        Assert.Equal(expected, decision.Effect?.ToString() ?? "default");
        if (sid is null)
        {
            Assert.Empty(decision.Statements);
            Assert.Contains("No policy statement allows", decision.Reason);
        }
        else
        {
            Assert.Equal(sid, decision.Statements[0].Sid);
            Assert.Contains(sid, decision.Reason);
        }
    }

    [Fact]
    public void Review_NamesItsApproversAndQuorum()
    {
        var decision = Policy.Evaluate(PolicyTestKit.Request("dynamodb:DeleteTable", "groups=visitors"));

        Assert.True(decision.IsReview);
        Assert.Equal(["sre"], decision.Statements[0].Approvers);
        Assert.Equal(2, decision.Statements[0].Quorum);
        Assert.Contains("needs approval by sre", decision.Reason);
    }
}
