using Airlock.Aws.Catalog;
using Airlock.Policy;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

/// <summary>
/// Policies in IAM's vocabulary: statements name IAM actions (<c>s3:ListBucket</c>), calls arrive as the API operations
/// SDKs send (<c>s3:ListObjectsV2</c>), and each is decided as IAM would decide it. Operation names keep working as aliases.
/// </summary>
public sealed class IamVocabularyTests
{
    private static readonly CompiledPolicy Policy = PolicyTestKit.Compile("""
        Statement:
          - Sid: ReadReports
            Effect: Allow
            Principal: { Group: [agents] }
            Action: [s3:ListBucket, s3:GetObject]
            Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
          - Sid: WriteOutbox
            Effect: Allow
            Principal: { Group: [agents] }
            Action: [s3:PutObject, s3:DeleteObject]
            Resource: "arn:aws:s3:::outbox/*"
          - Sid: NoOldVersions
            Effect: Deny
            Principal: "*"
            Action: s3:GetObjectVersion
            Resource: "arn:aws:s3:::reports/*"
          - Sid: NoSealedListing
            Effect: Deny
            Principal: "*"
            Action: s3:ListBucket
            Resource: "arn:aws:s3:::sealed"
          - Sid: Metrics
            Effect: Allow
            Principal: { Group: [agents] }
            Action: cloudwatch:PutMetricData
            Resource: "*"
          - Sid: Queues
            Effect: Allow
            Principal: { Group: [agents] }
            Action: [sqs:SendMessage, lambda:InvokeFunction]
            Resource: "*"
          - Sid: Tables
            Effect: Allow
            Principal: { Group: [agents] }
            Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:BatchWriteItem]
            Resource: "arn:aws:dynamodb:*:*:table/app-*"
          - Sid: AliasStillWorks
            Effect: Allow
            Principal: { Group: [legacy] }
            Action: s3:ListObjectsV2
            Resource: "*"
          - Sid: LevelsForAuditors
            Effect: Allow
            Principal: { Group: [auditors] }
            Action: "*"
            AccessLevel: [List, Read]
            Resource: "*"
          - Sid: NoWritesByLevel
            Effect: Deny
            Principal: { Group: [auditors] }
            Action: "dynamodb:*"
            AccessLevel: [Write]
            Resource: "*"
        """);

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // API operation as the SDK sends it, context, expected effect, deciding statement
        { "s3:ListObjectsV2", "resource=arn:aws:s3:::reports", "Allow", "ReadReports" },
        { "s3:ListObjects", "resource=arn:aws:s3:::reports", "Allow", "ReadReports" },
        { "s3:HeadBucket", "resource=arn:aws:s3:::reports", "Allow", "ReadReports" },
        { "s3:HeadObject", "resource=arn:aws:s3:::reports/a.csv", "Allow", "ReadReports" },
        { "s3:SelectObjectContent", "resource=arn:aws:s3:::reports/a.csv", "Allow", "ReadReports" },
        { "s3:ListObjectVersions", "resource=arn:aws:s3:::reports", "default", null },
        // One version of an object is s3:GetObjectVersion in IAM, whichever operation reads it.
        { "s3:GetObject", "resource=arn:aws:s3:::reports/a.csv;param:VersionId=v1", "Deny", "NoOldVersions" },
        { "s3:HeadObject", "resource=arn:aws:s3:::reports/a.csv;param:VersionId=v1", "Deny", "NoOldVersions" },
        { "s3:ListObjectsV2", "resource=arn:aws:s3:::sealed", "Deny", "NoSealedListing" },
        { "s3:HeadBucket", "resource=arn:aws:s3:::sealed;groups=legacy", "Deny", "NoSealedListing" },
        { "s3:ListObjectsV2", "resource=arn:aws:s3:::sealed;groups=legacy", "Deny", "NoSealedListing" },
        { "s3:ListObjectsV2", "resource=arn:aws:s3:::anything;groups=legacy", "Allow", "AliasStillWorks" },
        { "s3:CreateMultipartUpload", "resource=arn:aws:s3:::outbox/big.bin", "Allow", "WriteOutbox" },
        { "s3:UploadPart", "resource=arn:aws:s3:::outbox/big.bin", "Allow", "WriteOutbox" },
        { "s3:CompleteMultipartUpload", "resource=arn:aws:s3:::outbox/big.bin", "Allow", "WriteOutbox" },
        { "s3:CopyObject", "resource=arn:aws:s3:::outbox/copy.bin", "Allow", "WriteOutbox" },
        { "s3:DeleteObjects", "resource=arn:aws:s3:::outbox/a,arn:aws:s3:::outbox/b", "Allow", "WriteOutbox" },
        { "s3:DeleteObjects", "resource=arn:aws:s3:::outbox/a,arn:aws:s3:::reports/b", "default", null },
        { "s3:PutObject", "resource=arn:aws:s3:::reports/x", "default", null },
        { "monitoring:PutMetricData", "", "Allow", "Metrics" },
        { "sqs:SendMessageBatch", "", "Allow", "Queues" },
        { "sqs:DeleteMessageBatch", "", "default", null },
        { "lambda:Invoke", "", "Allow", "Queues" },
        { "dynamodb:TransactGetItems", "resource=arn:aws:dynamodb:us-east-1:1:table/app-orders", "Allow", "Tables" },
        { "dynamodb:BatchWriteItem", "resource=arn:aws:dynamodb:us-east-1:1:table/app-a,arn:aws:dynamodb:us-east-1:1:table/app-b", "Allow", "Tables" },
        { "dynamodb:BatchWriteItem", "resource=arn:aws:dynamodb:us-east-1:1:table/app-a,arn:aws:dynamodb:us-east-1:1:table/prod", "default", null },
        { "ec2:DescribeInstances", "groups=auditors", "Allow", "LevelsForAuditors" },
        { "s3:ListObjectsV2", "groups=auditors;resource=arn:aws:s3:::any", "Allow", "LevelsForAuditors" },
        { "dynamodb:Query", "groups=auditors", "Allow", "LevelsForAuditors" },
        { "ec2:TerminateInstances", "groups=auditors", "default", null },
        { "dynamodb:PutItem", "groups=auditors", "Deny", "NoWritesByLevel" },
        // IAM lists no action for a PartiQL statement as a whole: a statement naming levels never allows it, a Deny does apply.
        { "dynamodb:ExecuteStatement", "groups=auditors", "Deny", "NoWritesByLevel" },
        { "dynamodb:GetItem", "groups=auditors", "Allow", "LevelsForAuditors" },
        // IAM files tagging under two levels (Tagging, Write): a statement naming either covers it.
        { "dynamodb:TagResource", "groups=auditors", "Deny", "NoWritesByLevel" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_DecidesTheOperationAsItsIamAction(string operation, string context, string expected, string? sid)
    {
        var decision = Policy.Evaluate(PolicyTestKit.Request(operation, context));

        Assert.Equal(expected, decision.Effect?.ToString() ?? "default");
        Assert.Equal(sid, decision.Statements.FirstOrDefault()?.Sid);
    }

    [Fact]
    public void Reason_NamesTheOperationAndItsIamAction()
    {
        var decision = Policy.Evaluate(PolicyTestKit.Request("s3:ListObjectsV2", "resource=arn:aws:s3:::sealed"));

        Assert.Contains("s3:ListObjectsV2 (s3:ListBucket) is denied by policy statement NoSealedListing", decision.Reason);
    }

    [Fact]
    public void Check_WarnsWhereAPolicyNamesAnOperationOnlyAlias()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""
            Statement:
              - Sid: Old
                Effect: Deny
                Principal: "*"
                Action: [s3:ListObjectsV2, s3:GetObject, "s3:List*", dynamodb:ExecuteStatement]
                Resource: "*"
            """, "p.yaml", ".", null);

        Assert.Empty(parser.Errors);
        var warning = Assert.Single(parser.Warnings);
        Assert.StartsWith("p.yaml:", warning);
        Assert.Contains("'s3:ListObjectsV2' is the API operation's name; IAM authorizes it as s3:ListBucket", warning);
        Assert.Contains("s3:HeadBucket", warning);
    }

    [Fact]
    public void Check_AcceptsAnIamActionNoOperationIsAuthorizedAs_WithAWarning()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""
            Statement:
              - Sid: Governance
                Effect: Deny
                Principal: "*"
                Action: [s3:ObjectOwnerOverrideToBucketOwner, s3:GetObjectVersion, s3:BypassGovernanceRetention]
                Resource: "*"
            """, "p.yaml", ".", null);

        Assert.Empty(parser.Errors);
        // s3:BypassGovernanceRetention is asked for beside the calls that send its header: no warning for it.
        Assert.Contains("'s3:ObjectOwnerOverrideToBucketOwner' is an IAM action no API operation is authorized as", Assert.Single(parser.Warnings));
    }

    [Fact]
    public void Check_RefusesAnAccessLevelIamDoesNotHave()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""
            Statement:
              - Sid: Odd
                Effect: Allow
                Principal: "*"
                Action: "*"
                AccessLevel: [Read, Destroy]
                Resource: "*"
            """, "p.yaml", ".", null);

        Assert.Contains(parser.Errors, e => e.Contains("'Destroy' is not an IAM access level"));
    }

    [Fact]
    public void Check_AcceptsIamActionsUnderAPrefixOtherThanTheSigningName()
    {
        var parser = new PolicyParser(ServiceCatalog.Default);
        parser.ParseText("""
            Statement:
              - Sid: Iam
                Effect: Allow
                Principal: "*"
                Action: [cloudwatch:PutMetricData, s3:ListAllMyBuckets, s3:PutBucketCORS, lambda:InvokeFunction]
                Resource: "*"
            """, "p.yaml", ".", null);

        Assert.Empty(parser.Errors);
        Assert.Empty(parser.Warnings);
    }

    [Fact]
    public void ReadOnlyPreset_FollowsIamAccessLevels()
    {
        var policy = PolicyTestKit.Compile("Include: [preset:read-only]");

        Assert.True(policy.Evaluate(PolicyTestKit.Request("s3:ListObjectsV2", "resource=arn:aws:s3:::b")).IsAllowed);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("s3:HeadObject", "resource=arn:aws:s3:::b/k")).IsAllowed);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("dynamodb:Query")).IsAllowed);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("monitoring:GetMetricData")).IsAllowed);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("secretsmanager:GetSecretValue")).IsDenied);
        Assert.True(policy.Evaluate(PolicyTestKit.Request("ec2:GetPasswordData")).IsDenied);
        Assert.False(policy.Evaluate(PolicyTestKit.Request("s3:PutObject", "resource=arn:aws:s3:::b/k")).IsAllowed);
        // Named Get but IAM calls it a write: kms:Decrypt is not a read.
        Assert.False(policy.Evaluate(PolicyTestKit.Request("kms:Decrypt")).IsAllowed);
        Assert.False(policy.Evaluate(PolicyTestKit.Request("dynamodb:ExecuteStatement")).IsAllowed);
    }
}
