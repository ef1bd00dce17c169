using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// S3 calls that act on more than their own resource need what IAM would ask of them: a multi-object delete needs
/// s3:DeleteObject on every key, a copy needs s3:GetObject on its source. With boto3, through Airlock, against moto.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class S3ImpliedPermissionsTests(AirlockEnvironment env)
{
    [Fact]
    public async Task DeleteObjects_WithOneKeyWhoseDeletionIsDenied_DeletesNothing()
    {
        var bucket = await BucketAsync("protected/report.csv", "ok/scratch.txt");
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            try:
                c.delete_objects(Bucket='{{bucket}}', Delete={'Objects': [{'Key': 'ok/scratch.txt'}, {'Key': 'protected/report.csv'}]})
                print('deleted')
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'], e.response['Error']['Message'])
            r = c.delete_objects(Bucket='{{bucket}}', Delete={'Objects': [{'Key': 'ok/scratch.txt'}]})
            print('then', [d['Key'] for d in r.get('Deleted', [])])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("AccessDenied", result.StdOut);
        // IAM authorizes a multi-object delete as s3:DeleteObject on each key: the statement denying one key refuses it.
        Assert.Contains("s3:DeleteObjects (s3:DeleteObject) is denied by policy statement ProtectedObjects", result.StdOut);
        Assert.Contains("then ['ok/scratch.txt']", result.StdOut);
        Assert.Contains("protected/report.csv", await KeysAsync(bucket));
        var denied = (await env.AuditAsync()).First(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "DeleteObjects");
        Assert.Equal("deny", denied.Decision);
        Assert.Contains($"arn:aws:s3:::{bucket}/protected/report.csv", denied.Resources);
    }

    [Fact]
    public async Task DeleteObjects_NamingAVersionTheCallerMayNotDelete_DeletesNothing_AndWithoutTheVersionLeavesAMarker()
    {
        var bucket = await BucketAsync();
        Assert.Equal(0, (await env.MotoAsync("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // The agent may delete objects under kept/ (AgentsWork), never one of their versions (KeptVersions): a version
        // deleted is gone for good, a delete without one only hides the object behind a marker.
        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            first = c.put_object(Bucket='{{bucket}}', Key='kept/ledger.csv', Body=b'v1')['VersionId']
            c.put_object(Bucket='{{bucket}}', Key='kept/ledger.csv', Body=b'v2')
            c.put_object(Bucket='{{bucket}}', Key='scratch.txt', Body=b's')
            for name, objects in [('many', [{'Key': 'scratch.txt'}, {'Key': 'kept/ledger.csv', 'VersionId': first}])]:
                try:
                    r = c.delete_objects(Bucket='{{bucket}}', Delete={'Objects': objects})
                    print(name, 'deleted', [d['Key'] for d in r.get('Deleted', [])])
                except botocore.exceptions.ClientError as e:
                    print(name, e.response['Error']['Code'], e.response['Error']['Message'])
            try:
                c.delete_object(Bucket='{{bucket}}', Key='kept/ledger.csv', VersionId=first)
                print('one deleted')
            except botocore.exceptions.ClientError as e:
                print('one', e.response['Error']['Code'])
            r = c.delete_objects(Bucket='{{bucket}}', Delete={'Objects': [{'Key': 'kept/ledger.csv'}]})
            print('marker', [(d['Key'], d.get('DeleteMarker')) for d in r.get('Deleted', [])])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("many AccessDenied", result.StdOut);
        Assert.Contains("s3:DeleteObjectVersion on the object versions deleted", result.StdOut);
        Assert.Contains("KeptVersions", result.StdOut);
        // A single DeleteObject of a version is authorized as s3:DeleteObjectVersion too.
        Assert.Contains("one AccessDenied", result.StdOut);
        Assert.Contains("marker [('kept/ledger.csv', True)]", result.StdOut);
        var versions = (await env.MotoAsync("s3api", "list-object-versions", "--bucket", bucket, "--query", "Versions[].Key", "--output", "text")).StdOut;
        Assert.Equal(2, versions.Split((char[])['\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Count(k => k == "kept/ledger.csv"));
        // Nothing of the refused multi-object delete ran: its unversioned key is still there.
        Assert.Contains("scratch.txt", await KeysAsync(bucket));
        var denied = (await env.AuditAsync()).First(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "DeleteObjects");
        Assert.Equal("deny", denied.Decision);
        Assert.Contains($"arn:aws:s3:::{bucket}/kept/ledger.csv", denied.Resources);
    }

    [Fact]
    public async Task DeletingAGovernanceLockedVersion_WithTheBypassHeader_NeedsBypassGovernanceRetention()
    {
        var bucket = AirlockEnvironment.UniqueName("locked");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket, "--object-lock-enabled-for-bucket")).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // The agent may delete versions under locked/ (AgentsWork), never bypass their retention (LockedStaysLocked).
        var result = await env.Boto3Async(agent, $$"""
            import datetime
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
            v = c.put_object(Bucket='{{bucket}}', Key='locked/ledger.csv', Body=b'v1', ObjectLockMode='GOVERNANCE', ObjectLockRetainUntilDate=until)['VersionId']
            try:
                c.delete_object(Bucket='{{bucket}}', Key='locked/ledger.csv', VersionId=v, BypassGovernanceRetention=True)
                print('bypass deleted')
            except botocore.exceptions.ClientError as e:
                print('bypass', e.response['Error']['Code'], e.response['Error']['Message'])
            print('versions', len(c.list_object_versions(Bucket='{{bucket}}').get('Versions', [])))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("bypass AccessDenied", result.StdOut);
        Assert.Contains("s3:BypassGovernanceRetention on the governance-mode retention it bypasses", result.StdOut);
        Assert.Contains("versions 1", result.StdOut);
    }

    [Fact]
    public async Task WritesThatSetAPublicAclOrARetention_NeedThosePermissions_BesidesPutObject()
    {
        var bucket = await BucketAsync("ok/plain.txt");
        var publicBucket = AirlockEnvironment.UniqueName("public");
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // The agent may write objects anywhere (AgentsWork), never make them public or lock them (NothingPublic).
        var result = await env.Boto3Async(agent, $$"""
            import datetime
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            def attempt(name, call):
                try:
                    call()
                    print(name, 'done')
                except botocore.exceptions.ClientError as e:
                    print(name, e.response['Error']['Code'], e.response['Error']['Message'])
            until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3650)
            attempt('canned', lambda: c.put_object(Bucket='{{bucket}}', Key='shared/page.html', Body=b'x', ACL='public-read'))
            attempt('grant', lambda: c.put_object(Bucket='{{bucket}}', Key='shared/grant.html', Body=b'x', GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"'))
            attempt('locked', lambda: c.put_object(Bucket='{{bucket}}', Key='shared/locked.csv', Body=b'x', ObjectLockMode='COMPLIANCE', ObjectLockRetainUntilDate=until))
            attempt('multipart', lambda: c.create_multipart_upload(Bucket='{{bucket}}', Key='shared/big.bin', ACL='public-read'))
            attempt('copy', lambda: c.copy_object(Bucket='{{bucket}}', Key='shared/copy.txt', CopySource={'Bucket': '{{bucket}}', 'Key': 'ok/plain.txt'}, ACL='public-read'))
            attempt('bucket', lambda: c.create_bucket(Bucket='{{publicBucket}}', ACL='public-read'))
            attempt('owner', lambda: c.put_object(Bucket='{{bucket}}', Key='shared/handoff.csv', Body=b'x', ACL='bucket-owner-full-control'))
            print('uploads', len(c.list_multipart_uploads(Bucket='{{bucket}}').get('Uploads', [])))
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("canned AccessDenied", result.StdOut);
        Assert.Contains("s3:PutObjectAcl on the object ACL it sets", result.StdOut);
        Assert.Contains("grant AccessDenied", result.StdOut);
        Assert.Contains("locked AccessDenied", result.StdOut);
        Assert.Contains("s3:PutObjectRetention on the retention it places on the object", result.StdOut);
        Assert.Contains("multipart AccessDenied", result.StdOut);
        Assert.Contains("copy AccessDenied", result.StdOut);
        Assert.Contains("bucket AccessDenied", result.StdOut);
        Assert.Contains("s3:PutBucketAcl on the bucket ACL it sets", result.StdOut);
        // An ACL that gives only the bucket's owner anything is what shared buckets ask writers for: s3:PutObject is enough.
        Assert.Contains("owner done", result.StdOut);
        Assert.Contains("uploads 0", result.StdOut);
        var keys = await KeysAsync(bucket);
        Assert.Contains("shared/handoff.csv", keys);
        Assert.DoesNotContain("shared/page.html", keys);
        Assert.DoesNotContain("shared/grant.html", keys);
        Assert.DoesNotContain("shared/locked.csv", keys);
        Assert.DoesNotContain("shared/copy.txt", keys);
        Assert.NotEqual(0, (await env.MotoAsync("s3api", "head-bucket", "--bucket", publicBucket)).ExitCode);
        var denied = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "CreateBucket");
        Assert.Equal("deny", denied.Decision);
        Assert.Contains("NothingPublic", denied.Reason);
    }

    [Fact]
    public async Task CopyObject_NamingTwoSources_IsRefused_ForTheServiceMightCopyEither()
    {
        var bucket = await BucketAsync("protected/secret.txt", "ok/public.txt");
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        // SigV4 signs the two joined; S3 reads one header, and a policy would have judged neither object as it is.
        await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", $"/{bucket}/copied.txt", "s3",
            [new("x-amz-copy-source", $"{bucket}/ok/public.txt"), new("x-amz-copy-source", $"{bucket}/protected/secret.txt"),
             new("x-amz-content-sha256", Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex([]))],
            new Dictionary<string, string> { ["Content-Length"] = "0" }, Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex([])));
        var refused = await socket.ReadResponseAsync();

        Assert.Equal(400, refused!.Status);
        Assert.Contains("CopyObject takes the header &apos;x-amz-copy-source&apos; once", refused.Body);
        Assert.DoesNotContain("copied.txt", await KeysAsync(bucket));
    }

    [Fact]
    public async Task DeleteObjects_SentAwsChunked_IsRefused_ForAirlockWouldNotHaveReadItsKeys()
    {
        var bucket = await BucketAsync("protected/report.csv");
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var xml = System.Text.Encoding.UTF8.GetBytes("<Delete><Object><Key>protected/report.csv</Key></Object></Delete>");
        var headers = new Dictionary<string, string>
        {
            ["content-encoding"] = "aws-chunked",
            ["x-amz-decoded-content-length"] = xml.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["x-amz-trailer"] = "x-amz-checksum-sha256",
            ["content-md5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(xml)),
        };

        // A streamed body is not read before the call is decided: a Delete streamed would be decided on the bucket alone.
        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, $"/{bucket}?delete", "s3", headers,
            Airlock.Aws.Streaming.StreamingPayload.UnsignedTrailer, (_, _) => Support.ChunkedBodies.Build(xml, 64, null, "x-amz-checksum-sha256"));

        Assert.True(status == System.Net.HttpStatusCode.BadRequest, $"{status} {body}");
        Assert.Contains("DeleteObjects", body);
        Assert.Contains("protected/report.csv", await KeysAsync(bucket));
    }

    [Fact]
    public async Task CopyObject_FromASourceTheCallerMayNotRead_IsRefused_AndFromOneItMayIsCopied()
    {
        var bucket = await BucketAsync("protected/secret.txt", "ok/public.txt");
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var result = await env.Boto3Async(agent, $$"""
            c = boto3.client('s3', config=botocore.config.Config(retries={'max_attempts': 1}))
            for source, target in [('protected/secret.txt', 'stolen.txt'), ('ok/public.txt', 'copied.txt')]:
                try:
                    c.copy_object(Bucket='{{bucket}}', Key=target, CopySource={'Bucket': '{{bucket}}', 'Key': source})
                    print(target, 'copied')
                except botocore.exceptions.ClientError as e:
                    print(target, e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("stolen.txt AccessDenied", result.StdOut);
        Assert.Contains("copied.txt copied", result.StdOut);
        var keys = await KeysAsync(bucket);
        Assert.DoesNotContain("stolen.txt", keys);
        Assert.Contains("copied.txt", keys);
        var copy = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "CopyObject");
        Assert.Contains($"arn:aws:s3:::{bucket}/ok/public.txt", copy.Resources);
    }

    private async Task<string> BucketAsync(params string[] keys)
    {
        var bucket = AirlockEnvironment.UniqueName("implied");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var file = Path.Combine(env.WorkDir, bucket + ".txt");
        await File.WriteAllTextAsync(file, "content");
        foreach (var key in keys)
        {
            Assert.Equal(0, (await env.MotoAsync("s3api", "put-object", "--bucket", bucket, "--key", key, "--body", file)).ExitCode);
        }

        return bucket;
    }

    private async Task<string> KeysAsync(string bucket) =>
        (await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket, "--query", "Contents[].Key", "--output", "text")).StdOut;
}
