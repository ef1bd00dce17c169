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
    [InlineData("PUT", "/bucket", "tagging", "", "PutBucketTagging", "arn:aws:s3:::bucket")]
    [InlineData("PUT", "/bucket", "versioning", "", "PutBucketVersioning", "arn:aws:s3:::bucket")]
    [InlineData("GET", "/bucket/k", "tagging", "", "GetObjectTagging", "arn:aws:s3:::bucket/k")]
    [InlineData("POST", "/bucket/k", "uploadId=u", "", "CompleteMultipartUpload", "arn:aws:s3:::bucket/k")]
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
        var result = Resolve("dynamodb", [new("x-amz-target", "DynamoDB_20120810.GetItem"), new("content-type", "application/x-amz-json-1.0")],
            """{"TableName":"orders","Key":{}}""");

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
    public void Resolve_RestParameters_AreNamedAfterTheirModelMembers()
    {
        var head = new SignableRequest("PUT", "/bucket/key", CanonicalQuery.Parse("partNumber=3&uploadId=u-1"),
            [new("host", "gw"), new("x-amz-expected-bucket-owner", "123456789012")], true);

        var result = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", null));

        Assert.Equal("UploadPart", result.Operation!.Operation.Name);
        Assert.Equal("3", result.Operation.Parameters["PartNumber"]);
        Assert.Equal("u-1", result.Operation.Parameters["UploadId"]);
        Assert.Equal("123456789012", result.Operation.Parameters["ExpectedBucketOwner"]);
        Assert.Equal("bucket", result.Operation.Parameters["Bucket"]);
    }

    [Fact]
    public void Resolve_RestJson_ReadsBodyAndUriMembers()
    {
        var head = new SignableRequest("GET", "/2015-03-31/functions/my-fn/configuration", [], [new("host", "gw")], false);

        var result = Resolver.Resolve(new ResolveRequest(head, "lambda", "eu-west-1", ReadOnlyMemory<byte>.Empty, "123456789012"));

        Assert.Equal("lambda:GetFunctionConfiguration", result.Operation!.Action);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:my-fn", Assert.Single(result.Operation.Resources));
    }

    [Theory]
    [InlineData("s3", "GET", "/bucket", "list-type=2&prefix=public/&prefix=secret/", "ListObjectsV2 takes the query parameter 'prefix' once")]
    [InlineData("s3", "DELETE", "/bucket/key", "versionId=a&versionId=b", "DeleteObject takes the query parameter 'versionId' once")]
    [InlineData("s3", "GET", "/bucket", "acl&acl", "GetBucketAcl takes the query parameter 'acl' once")]
    [InlineData("lambda", "GET", "/2015-03-31/functions/", "MaxItems=5&MaxItems=500", "ListFunctions takes the query parameter 'MaxItems' once")]
    public void Resolve_RestQueryParameterNamedTwice_IsRefused(string service, string method, string path, string query, string error)
    {
        // Airlock reads one of the values; the upstream might act on the other.
        var head = new SignableRequest(method, path, CanonicalQuery.Parse(query), [new("host", "gw")], service == "s3");

        var result = Resolver.Resolve(new ResolveRequest(head, service, "us-east-1", service == "s3" ? null : ReadOnlyMemory<byte>.Empty, "123456789012"));

        Assert.Null(result.Operation);
        Assert.Contains(error, result.Error);
    }

    [Theory]
    [InlineData("PUT", "/bucket/copy", "x-amz-copy-source", "CopyObject takes the header 'x-amz-copy-source' once")]
    [InlineData("PUT", "/bucket/k", "x-amz-acl", "PutObject takes the header 'x-amz-acl' once")]
    [InlineData("GET", "/bucket/k", "range", "GetObject takes the header 'range' once")]
    public void Resolve_RestHeaderMemberSentTwice_IsRefused(string method, string path, string header, string error)
    {
        // Airlock reads (and SigV4 signs) the values joined; an upstream may act on either one alone.
        var values = header == "x-amz-copy-source" ? ("bucket/ok/public.txt", "bucket/protected/secret.txt") : ("private", "public-read");
        List<KeyValuePair<string, string>> headers = [new("host", "gw"), new(header, values.Item1), new("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), new(header, values.Item2)];

        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest(method, path, [], headers, true), "s3", "us-east-1", null));

        Assert.Null(result.Operation);
        Assert.Contains(error, result.Error);
    }

    [Fact]
    public void Resolve_HeadersThatAreNoMembers_MayRepeat()
    {
        List<KeyValuePair<string, string>> headers = [new("host", "gw"), new("accept-encoding", "gzip"), new("accept-encoding", "br")];

        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest("GET", "/bucket/k", [], headers, true), "s3", "us-east-1", null));

        Assert.Equal("GetObject", result.Operation!.Operation.Name);
    }

    [Fact]
    public void Resolve_RestQueryList_TakesEveryValue_AsAListParameter()
    {
        var head = new SignableRequest("DELETE", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af",
            CanonicalQuery.Parse("tagKeys=team&tagKeys=owner"), [new("host", "gw")], false);

        var result = Resolver.Resolve(new ResolveRequest(head, "lambda", "us-east-1", ReadOnlyMemory<byte>.Empty, "123456789012"));

        Assert.Equal("UntagResource", result.Operation!.Operation.Name);
        Assert.Equal("team", result.Operation.Parameters["TagKeys.1"]);
        Assert.Equal("owner", result.Operation.Parameters["TagKeys.2"]);
    }

    [Fact]
    public void Resolve_Ec2Query_ReadsListParameters()
    {
        var result = Resolve("ec2", [new("content-type", "application/x-www-form-urlencoded")], "Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-abc&InstanceId.2=i-def");

        Assert.Equal("ec2:TerminateInstances", result.Operation!.Action);
        Assert.Equal(2, result.Operation.Resources.Count);
    }

    [Theory]
    [InlineData("<Delete><Object><Key>a</Key></Object></Delete>", true)]
    [InlineData("<Delete><Object><Key>a</Key></Object>", false)]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Delete>&e;</Delete>", false)]
    public void Resolve_RestXmlBody_MustBeWellFormed(string xml, bool ok)
    {
        var head = new SignableRequest("POST", "/bucket", CanonicalQuery.Parse("delete"), [new("host", "gw")], true);

        var result = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(ok, result.Operation is not null);
        if (!ok)
        {
            Assert.Contains("not well-formed XML", result.Error);
        }
    }

    [Fact]
    public void Resolve_EventStreamOperation_IsRefusedByName()
    {
        var head = new SignableRequest("POST", "/bucket/key", CanonicalQuery.Parse("select&select-type=2"), [new("host", "gw")], true);

        var result = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", null));

        Assert.Null(result.Operation);
        Assert.Contains("s3:SelectObjectContent is an event-stream operation", result.Error);
    }

    [Theory]
    // No version named: s3:DeleteObject on each key, nothing else.
    [InlineData("<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>", "a,b", "")]
    // A version named, before or after its key, or empty: that key's version is deleted for good.
    [InlineData("<Delete><Object><Key>a</Key><VersionId>v1</VersionId></Object><Object><Key>b</Key></Object></Delete>", "a,b", "a")]
    [InlineData("<Delete><Object><VersionId>v1</VersionId><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>", "a,b", "a")]
    [InlineData("<Delete><Object><Key>a</Key><VersionId/></Object><Object><Key>b</Key><VersionId>null</VersionId></Object></Delete>", "a,b", "a,b")]
    [InlineData("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId><ETag>e</ETag></Object></Delete>", "k", "k")]
    public void Resolve_DeleteObjects_NeedsDeleteObjectOnEveryKey_AndDeleteObjectVersionOnEachVersionNamed(string xml, string keys, string versions)
    {
        var head = new SignableRequest("POST", "/bucket", CanonicalQuery.Parse("delete"), [new("host", "gw")], true);

        var result = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", Encoding.UTF8.GetBytes(xml)));

        Assert.Equal("s3:DeleteObjects", result.Operation!.Action);
        Assert.Equal(keys.Split(',').Select(k => $"arn:aws:s3:::bucket/{k}"), result.Operation.Resources);
        if (versions.Length == 0)
        {
            Assert.Empty(result.Operation.AlsoRequires);
            return;
        }

        var also = Assert.Single(result.Operation.AlsoRequires);
        Assert.Equal("s3:DeleteObjectVersion", also.Action);
        Assert.Equal("Write", also.AccessLevel);
        Assert.Equal(versions.Split(',').Select(k => $"arn:aws:s3:::bucket/{k}"), also.Resources);
    }

    [Theory]
    [InlineData("DELETE", "/bucket/k", "", "", "true", "k")]
    [InlineData("DELETE", "/bucket/k", "versionId=v1", "", "TRUE", "k")]
    [InlineData("DELETE", "/bucket/k", "", "", "false", "")]
    [InlineData("PUT", "/bucket/k", "retention", "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2026-12-06T00:00:00Z</RetainUntilDate></Retention>", "true", "k")]
    [InlineData("POST", "/bucket", "delete", "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object></Delete>", "true", "a,b")]
    public void Resolve_BypassingGovernanceRetention_NeedsBypassGovernanceRetentionOnTheObjects(string method, string path, string query, string xml, string bypass, string keys)
    {
        var head = new SignableRequest(method, path, CanonicalQuery.Parse(query), [new("host", "gw"), new("x-amz-bypass-governance-retention", bypass)], true);

        var result = Resolver.Resolve(new ResolveRequest(head, "s3", "us-east-1", xml.Length == 0 ? null : Encoding.UTF8.GetBytes(xml)));

        var bypasses = result.Operation!.AlsoRequires.Where(a => a.Action == "s3:BypassGovernanceRetention").ToList();
        if (keys.Length == 0)
        {
            Assert.Empty(bypasses);
            return;
        }

        Assert.Equal(keys.Split(',').Select(k => $"arn:aws:s3:::bucket/{k}"), Assert.Single(bypasses).Resources);
    }

    [Fact]
    public void Resolve_QueryCallWithoutAction_IsRefused()
    {
        var result = Resolve("sqs", [new("content-type", "application/x-www-form-urlencoded")], "QueueName=x");

        Assert.Null(result.Operation);
    }

    [Fact]
    public void Catalog_CoversEveryServiceInTheModels()
    {
        Assert.True(ServiceCatalog.Default.Services.Count > 400, $"{ServiceCatalog.Default.Services.Count} services");
        Assert.True(ServiceCatalog.Default.Services.Sum(s => s.Operations.Count) > 15000, $"{ServiceCatalog.Default.Services.Sum(s => s.Operations.Count)} operations");
    }

    private static ResolveResult Resolve(string service, List<KeyValuePair<string, string>> headers, string body)
    {
        headers.Add(new("host", "gw"));
        return Resolver.Resolve(new ResolveRequest(new SignableRequest("POST", "/", [], headers, false), service, "us-east-1", Encoding.UTF8.GetBytes(body)));
    }
}
