using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>Calls resolved as IAM authorizes them: the IAM action and access level, and every resource and action IAM also requires.</summary>
public sealed class IamAuthorizationTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    [Theory]
    [InlineData("s3", "ListObjectsV2", "s3:ListBucket", "List")]
    [InlineData("s3", "GetObject", "s3:GetObject", "Read")]
    [InlineData("s3", "HeadObject", "s3:GetObject", "Read")]
    [InlineData("s3", "PutBucketAcl", "s3:PutBucketAcl", "Permissions management, Write")]
    [InlineData("dynamodb", "BatchWriteItem", "dynamodb:BatchWriteItem", "Write")]
    [InlineData("cloudwatch", "PutMetricData", "cloudwatch:PutMetricData", "Write")]
    [InlineData("sqs", "SendMessageBatch", "sqs:SendMessage", "Write")]
    [InlineData("lambda", "Invoke", "lambda:InvokeFunction", "Write")]
    [InlineData("kms", "ReEncrypt", "kms:ReEncryptTo", "Write")]
    public void Catalog_KnowsEachOperationsIamActionAndAccessLevel(string service, string operation, string iamAction, string level)
    {
        var model = ServiceCatalog.Default.Service(service)!;
        var op = model.Operation(operation)!;

        Assert.Equal(iamAction, model.IamAction(op));
        Assert.Equal(level, op.AccessLevel);
    }

    [Fact]
    public void Catalog_OperationsIamListsNoActionFor_HaveNone()
    {
        var model = ServiceCatalog.Default.Service("dynamodb")!;

        // PartiQL statements are authorized by their verb (dynamodb:PartiQLSelect, …), not as one action.
        Assert.Null(model.IamAction(model.Operation("ExecuteStatement")!));
        Assert.Null(model.Operation("ExecuteStatement")!.AccessLevel);
    }

    [Theory]
    [InlineData("GET", "/bucket/k", "", "s3:GetObject")]
    [InlineData("GET", "/bucket/k", "versionId=v1", "s3:GetObjectVersion")]
    [InlineData("DELETE", "/bucket/k", "versionId=v1", "s3:DeleteObjectVersion")]
    [InlineData("GET", "/bucket/k", "attributes", "s3:GetObjectAttributes")]
    [InlineData("GET", "/bucket/k", "attributes&versionId=v1", "s3:GetObjectVersionAttributes")]
    public void S3_OneVersionOfAnObject_IsAuthorizedAsTheVersionAction(string method, string path, string query, string iamAction)
    {
        List<KeyValuePair<string, string>> headers = query.StartsWith("attributes", StringComparison.Ordinal)
            ? [new("host", "gw"), new("x-amz-object-attributes", "ETag")]
            : [new("host", "gw")];
        var head = new SignableRequest(method, path, CanonicalQuery.Parse(query), headers, true);

        var call = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", null)).Operation!;

        Assert.Equal(iamAction, call.IamAction);
    }

    [Fact]
    public void Catalog_TellsWhichOperationsOneIamActionCovers()
    {
        var operations = ServiceCatalog.Default.OperationsAuthorizedAs("s3:ListBucket");

        Assert.Contains("s3:ListObjects", operations);
        Assert.Contains("s3:ListObjectsV2", operations);
        Assert.Contains("s3:HeadBucket", operations);
    }

    [Theory]
    [InlineData("src/key.txt", "s3:GetObject")]
    [InlineData("src/key.txt?versionId=3", "s3:GetObjectVersion")]
    public void CopyObject_ReadsItsSource_OneVersionAsIamNamesIt(string copySource, string action)
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", "gw"), new("x-amz-copy-source", copySource) };
        var call = Resolver.Resolve(new ResolveRequest(new SignableRequest("PUT", "/bucket/copy.txt", [], headers, true), "s3", "us-east-1", null)).Operation!;

        Assert.Equal("s3:PutObject", call.IamAction);
        var read = Assert.Single(call.AlsoRequires);
        Assert.Equal((action, "arn:aws:s3:::src/key.txt"), (read.Action, Assert.Single(read.Resources)));
    }

    [Fact]
    public void BatchWriteItem_IsAuthorizedOnEveryTableItWrites()
    {
        var call = Json("dynamodb", "DynamoDB_20120810.BatchWriteItem",
            """{"RequestItems":{"orders":[{"PutRequest":{"Item":{}}}],"arn:aws:dynamodb:us-east-1:111122223333:table/audit":[]}}""");

        Assert.Equal(["arn:aws:dynamodb:us-east-1:000000000000:table/orders", "arn:aws:dynamodb:us-east-1:111122223333:table/audit"], call.Resources);
        Assert.Empty(call.AlsoRequires);
    }

    [Fact]
    public void TransactWriteItems_NeedsTheActionOfEachItemOnItsTable()
    {
        var call = Json("dynamodb", "DynamoDB_20120810.TransactWriteItems", """
            {"TransactItems":[
              {"Put":{"TableName":"orders","Item":{}}},
              {"Delete":{"TableName":"carts","Key":{}}},
              {"ConditionCheck":{"TableName":"stock","Key":{},"ConditionExpression":"x"}},
              {"Put":{"TableName":"audit","Item":{}}}]}
            """);

        Assert.Equal(4, call.Resources.Count);
        var needs = call.AlsoRequires.ToDictionary(a => a.Action, a => a.Resources);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:000000000000:table/orders", "arn:aws:dynamodb:us-east-1:000000000000:table/audit"], needs["dynamodb:PutItem"]);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:000000000000:table/carts"], needs["dynamodb:DeleteItem"]);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:000000000000:table/stock"], needs["dynamodb:ConditionCheckItem"]);
    }

    [Fact]
    public void TransactGetItems_IsGetItemOnEveryTable()
    {
        var call = Json("dynamodb", "DynamoDB_20120810.TransactGetItems",
            """{"TransactItems":[{"Get":{"TableName":"orders","Key":{}}},{"Get":{"TableName":"carts","Key":{}}}]}""");

        Assert.Equal("dynamodb:GetItem", call.IamAction);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:000000000000:table/orders", "arn:aws:dynamodb:us-east-1:000000000000:table/carts"], call.Resources);
    }

    [Fact]
    public void ReEncrypt_NeedsBothKeys()
    {
        var call = Json("kms", "TrentService.ReEncrypt", """{"CiphertextBlob":"AAAA","SourceKeyId":"alias/old","DestinationKeyId":"1234abcd"}""");

        Assert.Equal("kms:ReEncryptTo", call.IamAction);
        Assert.Equal(["arn:aws:kms:us-east-1:000000000000:key/1234abcd"], call.Resources);
        var from = Assert.Single(call.AlsoRequires);
        Assert.Equal("kms:ReEncryptFrom", from.Action);
        Assert.Equal(["arn:aws:kms:us-east-1:000000000000:alias/old"], from.Resources);
    }

    [Fact]
    public void ReEncrypt_WithoutASourceKey_NeedsReEncryptFromOnAnyKey()
    {
        // The source key is inside the ciphertext: only a statement on every key (or a Deny) can cover it.
        var call = Json("kms", "TrentService.ReEncrypt", """{"CiphertextBlob":"AAAA","DestinationKeyId":"1234abcd"}""");

        Assert.Equal(["*"], Assert.Single(call.AlsoRequires).Resources);
    }

    [Fact]
    public void ARoleArnHandedToAService_NeedsPassRoleOnIt()
    {
        var call = Json("codebuild", "CodeBuild_20161006.CreateProject",
            """{"name":"p","serviceRole":"arn:aws:iam::111122223333:role/build-admin","source":{"type":"NO_SOURCE"}}""");

        var pass = Assert.Single(call.AlsoRequires);
        Assert.Equal("iam:PassRole", pass.Action);
        Assert.Equal(["arn:aws:iam::111122223333:role/build-admin"], pass.Resources);
    }

    [Fact]
    public void AValueThatIsNotARoleArn_NeedsNoPassRole()
    {
        var call = Json("codebuild", "CodeBuild_20161006.CreateProject",
            """{"name":"p","serviceRole":"arn:aws:iam::111122223333:policy/not-a-role","source":{"type":"NO_SOURCE"}}""");

        Assert.Empty(call.AlsoRequires);
    }

    [Theory]
    // EventBridge targets each hand the service a role; one permission covers them all, the top-level ones apart.
    [InlineData("""{"Rule":"r","Targets":[{"Id":"1","Arn":"arn:aws:sqs:us-east-1:111122223333:q","RoleArn":"arn:aws:iam::111122223333:role/a"},{"Id":"2","RoleArn":"arn:aws:iam::111122223333:role/b"}]}""",
        "arn:aws:iam::111122223333:role/a,arn:aws:iam::111122223333:role/b", "the roles in Targets.1.RoleArn, Targets.2.RoleArn")]
    // Escapes spell the same ARN otherwise: judged as the service reads it.
    [InlineData("""{"Rule":"r","Targets":[{"Id":"1","RoleArn":"arn:aws:iam::111122223333:r\u006fle\/admin"}]}""",
        "arn:aws:iam::111122223333:role/admin", "the roles in Targets.1.RoleArn")]
    [InlineData("""{"Rule":"r","Targets":[{"Id":"1","Arn":"arn:aws:sqs:us-east-1:111122223333:q","Input":"{\"role\":\"arn:aws:iam::111122223333:role/in-a-string\"}"}]}""", "", "")]
    public void ARoleArnNestedInTheBody_NeedsPassRoleOnIt(string body, string roles, string why)
    {
        var call = Json("events", "AWSEvents.PutTargets", body);

        if (roles.Length == 0)
        {
            Assert.Empty(call.AlsoRequires);
            return;
        }

        var pass = Assert.Single(call.AlsoRequires);
        Assert.Equal("iam:PassRole", pass.Action);
        Assert.Equal(roles.Split(','), pass.Resources);
        Assert.Equal(why, pass.Why);
    }

    [Fact]
    public void ARoleArnNestedInACallThatOnlyReads_NeedsNoPassRole()
    {
        var call = Json("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            """{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"arn:aws:iam::111122223333:role/admin"}]}""");

        Assert.Empty(call.AlsoRequires);
    }

    [Theory]
    [InlineData("<ReplicationConfiguration><Role>arn:aws:iam::111122223333:role/replicator</Role><Rule><Status>Enabled</Status></Rule></ReplicationConfiguration>")]
    // Character references, CDATA and a comment split the text; the service reads it whole.
    [InlineData("<ReplicationConfiguration><Role>arn:aws:iam::111122223333:&#114;ole/<![CDATA[repl]]><!-- x -->icator</Role></ReplicationConfiguration>")]
    [InlineData("<ReplicationConfiguration><Role>arn:aws:iam::111122223333:ro<!-- -->le/<![CDATA[replicator]]></Role></ReplicationConfiguration>")]
    public void ARoleArnInAnXmlBody_NeedsPassRoleOnIt(string xml)
    {
        var head = new SignableRequest("PUT", "/bucket", CanonicalQuery.Parse("replication"), [new("host", "gw")], true);

        var call = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", Encoding.UTF8.GetBytes(xml))).Operation!;

        Assert.Equal("s3:PutBucketReplication", call.Action);
        var pass = Assert.Single(call.AlsoRequires);
        Assert.Equal(["arn:aws:iam::111122223333:role/replicator"], pass.Resources);
        Assert.Equal("the roles in ReplicationConfiguration.Role", pass.Why);
    }

    [Fact]
    public void AStreamedPayload_IsNotSearchedForRoles()
    {
        // An object's bytes are data, not parameters: an uploaded document naming a role hands it to no one.
        var head = new SignableRequest("PUT", "/bucket/roles.json", [], [new("host", "gw")], true);

        var call = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1",
            Encoding.UTF8.GetBytes("""{"nested":{"role":"arn:aws:iam::111122223333:role/admin"}}"""))).Operation!;

        Assert.Equal("s3:PutObject", call.Action);
        Assert.Empty(call.AlsoRequires);
    }

    private static ResolvedOperation Json(string service, string target, string body)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", "gw"), new("x-amz-target", target), new("content-type", "application/x-amz-json-1.1"),
        };
        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [], headers, false), service, "us-east-1", Encoding.UTF8.GetBytes(body)));
        return result.Operation ?? throw new InvalidOperationException(result.Error);
    }
}
