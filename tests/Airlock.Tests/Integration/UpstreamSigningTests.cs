using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>moto checks signatures here, so a call that succeeds through Airlock was re-signed correctly.</summary>
[Collection(AirlockCollection.Name)]
public sealed class UpstreamSigningTests(AirlockEnvironment env)
{
    [Fact]
    public async Task Moto_RefusesABadlySignedCall_ButAcceptsAirlocksReSignedOne()
    {
        var bucket = AirlockEnvironment.UniqueName("resign");
        var direct = await ProcessRunner.RunAsync(Tools.Python,
            ["-m", "awscli", "s3api", "create-bucket", "--bucket", bucket, "--endpoint-url", env.Moto.Endpoint],
            env.WithCredentials(new SessionCredentials(env.Moto.AccessKeyId, "not-the-secret", "")));
        Assert.NotEqual(0, direct.ExitCode);
        Assert.Contains("SignatureDoesNotMatch", direct.All);
        Assert.False(await env.BucketExistsUpstreamAsync(bucket));

        var credentials = await env.NewSessionAsync();
        var through = await env.CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket);
        Assert.True(through.ExitCode == 0, through.ToString());
        // moto itself mis-verifies keys with "+", "=" or non-ASCII even from the CLI directly; a space it checks right.
        var put = await env.CliV2Async(credentials, "s3api", "put-object", "--bucket", bucket, "--key", "dir/with space.txt", "--body", env.ConfigPath);
        Assert.True(put.ExitCode == 0, put.ToString());
        var list = await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket, "--query", "Contents[].Key", "--output", "text");
        Assert.Equal("dir/with space.txt", list.StdOut.Trim());
    }
}
