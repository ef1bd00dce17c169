using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>The AWS SDK for .NET, unmodified, pointed at Airlock by its ServiceURL.</summary>
[Collection(AirlockCollection.Name)]
public sealed class DotNetSdkTests(AirlockEnvironment env)
{
    [Fact]
    public async Task DotNetSdk_ExchangesATokenAndCallsDynamoDbAndS3()
    {
        using var sts = new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(),
            new AmazonSecurityTokenServiceConfig { ServiceURL = env.Gateway.Url, AuthenticationRegion = "us-east-1" });
        var assumed = await sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = $"arn:aws:iam::123456789012:role/{AirlockEnvironment.Connection}",
            RoleSessionName = "dotnet",
            WebIdentityToken = env.Issuer.Mint(subject: "dotnet-agent"),
        });
        var credentials = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        Assert.Equal("dotnet-agent", assumed.SubjectFromWebIdentityToken);

        using var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = env.Gateway.Url, AuthenticationRegion = "us-east-1" });
        var table = AirlockEnvironment.UniqueName("dotnet");
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await dynamo.PutItemAsync(table, new Dictionary<string, AttributeValue> { ["id"] = new() { S = "1" }, ["v"] = new() { S = "from .NET" } });
        var item = await dynamo.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["id"] = new() { S = "1" } });
        Assert.Equal("from .NET", item.Item["v"].S);

        using var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = env.Gateway.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var bucket = AirlockEnvironment.UniqueName("dotnet");
        await s3.PutBucketAsync(bucket);
        Assert.Contains((await s3.ListBucketsAsync()).Buckets, b => b.BucketName == bucket);

        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
    }
}
