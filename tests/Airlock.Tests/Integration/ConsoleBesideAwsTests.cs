using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// With the console on (as in this environment), AWS calls never meet its login. The paths ASP.NET Core's OpenID
/// Connect handler answers by default (<c>/signout-oidc</c>, <c>/signout-callback-oidc</c>) are S3 buckets like any
/// other; and the console's own login paths, signed as AWS calls, are objects in a bucket named <c>console</c>: each is
/// reached upstream and recorded, never answered by a sign-out in the gateway itself.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class ConsoleBesideAwsTests(AirlockEnvironment env)
{
    [Theory]
    [InlineData("signout-oidc", "object")]
    [InlineData("signout-callback-oidc", "object")]
    [InlineData("signin-oidc", "object")]
    [InlineData("console", "signout-oidc")]
    [InlineData("console", "signout-callback-oidc")]
    [InlineData("console", "signin-oidc")]
    public async Task LoginPaths_SignedAsAwsCalls_ReachS3(string bucket, string key)
    {
        var credentials = await env.NewSessionAsync();
        var file = Path.GetTempFileName();
        var content = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(file, content);

        var created = await env.CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket);
        Assert.True(created.ExitCode == 0 || created.ToString().Contains("BucketAlreadyOwnedByYou"), created.ToString());
        var put = await env.CliV2Async(credentials, "s3api", "put-object", "--bucket", bucket, "--key", key, "--body", file);
        Assert.True(put.ExitCode == 0, put.ToString());
        var listed = await env.CliV2Async(credentials, "s3api", "list-objects-v2", "--bucket", bucket);
        var got = await env.CliV2Async(credentials, "s3api", "get-object", "--bucket", bucket, "--key", key, file + ".back");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains($"\"{key}\"", listed.StdOut);
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal(content, await File.ReadAllTextAsync(file + ".back"));
        File.Delete(file);
        File.Delete(file + ".back");
        var audit = (await env.AuditAsync()).Where(e => e.AccessKeyId == credentials.AccessKeyId).ToList();
        Assert.Contains(audit, e => e.Operation == "ListObjectsV2" && e.UpstreamStatus == 200);
        Assert.Contains(audit, e => e.Operation == "GetObject" && e.UpstreamStatus == 200);
    }
}
