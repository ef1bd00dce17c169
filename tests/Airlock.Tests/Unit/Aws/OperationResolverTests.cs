using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

public sealed class OperationResolverTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    [Theory]
    [InlineData("PUT", "/bucket", "", "", "CreateBucket", "arn:aws:s3:::bucket")]
    [InlineData("PUT", "/bucket/", "", "", "CreateBucket", "arn:aws:s3:::bucket")]
    [InlineData("PUT", "/bucket/dir/key.txt", "", "", "PutObject", "arn:aws:s3:::bucket/dir/key.txt")]
    [InlineData("PUT", "/bucket/key", "", "x-amz-copy-source:src/key", "CopyObject", "arn:aws:s3:::bucket/key")]
    [InlineData("PUT", "/bucket/key", "partNumber=1&uploadId=abc", "", "UploadPart", "arn:aws:s3:::bucket/key")]
    [InlineData("POST", "/bucket/key", "uploads", "", "CreateMultipartUpload", "arn:aws:s3:::bucket/key")]
    [InlineData("GET", "/bucket", "list-type=2&prefix=a", "", "ListObjectsV2", "arn:aws:s3:::bucket")]
    [InlineData("GET", "/bucket", "prefix=a", "", "ListObjects", "arn:aws:s3:::bucket")]
    [InlineData("GET", "/", "", "", "ListBuckets", "*")]
    [InlineData("GET", "/bucket/a%20b", "", "", "GetObject", "arn:aws:s3:::bucket/a b")]
    [InlineData("DELETE", "/bucket", "", "", "DeleteBucket", "arn:aws:s3:::bucket")]
    [InlineData("DELETE", "/bucket/k", "", "", "DeleteObject", "arn:aws:s3:::bucket/k")]
    public void Resolve_S3PathStyle_FindsTheOperation(string method, string path, string query, string header, string operation, string resource)
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", "gw") };
        if (header.Length > 0)
        {
            headers.Add(new(header[..header.IndexOf(':')], header[(header.IndexOf(':') + 1)..]));
        }

        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest(method, path, CanonicalQuery.Parse(query), headers, true), "s3", "us-east-1", null));

        Assert.Equal(operation, result.Operation?.Operation.Name);
        Assert.Equal($"s3:{operation}", result.Operation!.Action);
        Assert.Equal(resource, Assert.Single(result.Operation.Resources));
    }

    [Fact]
    public void Resolve_JsonProtocol_UsesTheTargetAndReadsParameters()
    {
        var result = Resolve("dynamodb", [new("x-amz-target", "DynamoDB_20120810.GetItem")], """{"TableName":"orders","Key":{}}""");

        Assert.Equal("dynamodb:GetItem", result.Operation!.Action);
        Assert.Equal("orders", result.Operation.Parameters["TableName"]);
    }

    [Fact]
    public void Resolve_QueryProtocol_UsesTheFormAction()
    {
        var result = Resolve("sts", [new("content-type", "application/x-www-form-urlencoded; charset=utf-8")], "Action=GetCallerIdentity&Version=2011-06-15");

        Assert.Equal("sts:GetCallerIdentity", result.Operation!.Action);
    }

    [Theory]
    [InlineData("dynamodb", "x-amz-target", "DynamoDB_20120810.NoSuchThing", "{}")]
    [InlineData("dynamodb", "x-amz-target", "DynamoDB_20120810.GetItem", "not json")]
    [InlineData("notaservice", "x-amz-target", "X.Y", "{}")]
    [InlineData("sts", "content-type", "application/x-www-form-urlencoded", "Action=DropEverything&Version=2011-06-15")]
    public void Resolve_UnknownOrMalformed_Fails(string service, string header, string value, string body)
    {
        var result = Resolve(service, [new(header, value)], body);

        Assert.Null(result.Operation);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Catalog_CoversEveryServiceInTheModels()
    {
        Assert.True(ServiceCatalog.Default.Services.Count > 400, $"{ServiceCatalog.Default.Services.Count} services");
        Assert.True(ServiceCatalog.Default.OperationCount > 15000, $"{ServiceCatalog.Default.OperationCount} operations");
    }

    private static ResolveResult Resolve(string service, List<KeyValuePair<string, string>> headers, string body)
    {
        headers.Add(new("host", "gw"));
        return Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [], headers, false), service, "us-east-1", Encoding.UTF8.GetBytes(body)));
    }
}
