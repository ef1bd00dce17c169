using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>S3 calls whose headers set more than the object or bucket they write need what IAM asks for those headers.</summary>
public sealed class S3HeaderAuthorizationTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);

    [Theory]
    [InlineData("PUT", "/b/k", "", "x-amz-acl: public-read", "s3:PutObjectAcl")]
    [InlineData("PUT", "/b/k", "", "x-amz-acl: private", "")]
    [InlineData("PUT", "/b/k", "", "x-amz-acl: bucket-owner-full-control", "")]
    [InlineData("PUT", "/b/k", "", "x-amz-acl: Private", "s3:PutObjectAcl")]
    [InlineData("PUT", "/b/k", "", "x-amz-grant-read: uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", "s3:PutObjectAcl")]
    [InlineData("PUT", "/b/k", "", "x-amz-tagging: team=a", "s3:PutObjectTagging")]
    [InlineData("PUT", "/b/k", "", "x-amz-object-lock-mode: COMPLIANCE|x-amz-object-lock-retain-until-date: 2099-01-01T00:00:00Z", "s3:PutObjectRetention")]
    [InlineData("PUT", "/b/k", "", "x-amz-object-lock-legal-hold: ON", "s3:PutObjectLegalHold")]
    [InlineData("PUT", "/b/k", "", "x-amz-copy-source: b/src|x-amz-acl: public-read-write|x-amz-tagging-directive: REPLACE|x-amz-tagging: a=b", "s3:GetObject,s3:PutObjectAcl,s3:PutObjectTagging")]
    [InlineData("POST", "/b/k", "uploads", "x-amz-acl: authenticated-read", "s3:PutObjectAcl")]
    [InlineData("PUT", "/b", "", "x-amz-acl: public-read", "s3:PutBucketAcl")]
    [InlineData("PUT", "/b", "", "x-amz-acl: private", "")]
    [InlineData("PUT", "/b", "", "x-amz-acl: bucket-owner-full-control", "s3:PutBucketAcl")]
    [InlineData("PUT", "/b", "", "x-amz-grant-write: id=someone", "s3:PutBucketAcl")]
    [InlineData("PUT", "/b", "", "x-amz-bucket-object-lock-enabled: true", "s3:PutBucketObjectLockConfiguration,s3:PutBucketVersioning")]
    [InlineData("PUT", "/b", "", "x-amz-bucket-object-lock-enabled: false", "")]
    [InlineData("PUT", "/b", "", "x-amz-object-ownership: ObjectWriter", "s3:PutBucketOwnershipControls")]
    [InlineData("PUT", "/b/k", "acl", "x-amz-acl: public-read", "")]
    public void Resolve_HeadersThatSetMore_NeedTheirOwnPermissionsOnTheCallsResource(string method, string path, string query, string headers, string expected)
    {
        var head = new List<KeyValuePair<string, string>> { new("host", "gw") };
        foreach (var header in headers.Split('|'))
        {
            var colon = header.IndexOf(':');
            head.Add(new(header[..colon], header[(colon + 1)..].Trim()));
        }

        var result = Resolver.Resolve(new ResolveRequest(new SignableRequest(method, path, CanonicalQuery.Parse(query), head, true), "s3", "us-east-1", null));

        var call = result.Operation ?? throw new InvalidOperationException(result.Error);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), call.AlsoRequires.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.All(call.AlsoRequires.Where(a => a.Action != "s3:GetObject"), a => Assert.Equal(call.Resources, a.Resources));
    }

    [Theory]
    [InlineData("PutObject", "x-amz-acl: public-read|x-amz-tagging: a=b|x-amz-object-lock-legal-hold: ON|x-amz-object-lock-mode: GOVERNANCE")]
    [InlineData("CreateBucket", "x-amz-acl: public-read|x-amz-bucket-object-lock-enabled: true|x-amz-object-ownership: ObjectWriter")]
    public void EachPermissionAskedFor_HasTheAccessLevelIamGivesIt(string operation, string headers)
    {
        var s3 = ServiceCatalog.Default.Service("s3")!;
        var head = new List<KeyValuePair<string, string>> { new("host", "gw") };
        head.AddRange(headers.Split('|').Select(h => new KeyValuePair<string, string>(h[..h.IndexOf(':')], h[(h.IndexOf(':') + 1)..].Trim())));
        var path = operation == "CreateBucket" ? "/b" : "/b/k";

        var call = Resolver.Resolve(new ResolveRequest(new SignableRequest("PUT", path, [], head, true), "s3", "us-east-1", null)).Operation!;

        Assert.Equal(operation, call.Operation.Name);
        Assert.NotEmpty(call.AlsoRequires);
        foreach (var asked in call.AlsoRequires)
        {
            // The operation IAM authorizes as that action carries its access level, which AccessLevel statements match.
            Assert.Equal(asked.AccessLevel, Assert.Single(s3.Operations.Where(o => s3.IamAction(o) == asked.Action).Select(o => o.AccessLevel).Distinct()));
        }
    }
}
