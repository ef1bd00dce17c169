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
