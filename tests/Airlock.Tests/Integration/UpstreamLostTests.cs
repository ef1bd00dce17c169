using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// An upstream that cannot be reached, and one that runs a call and then closes the connection before answering: the call reached it once. .NET's
/// HTTP client sends a request without a body up to three more times when the answer's first read finds the connection
/// closed; before every upstream request had a body, each of these calls ran four times behind one decision.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class UpstreamLostTests(AirlockEnvironment env)
{
    // Query calls made with GET (SQS SendMessage, EC2 RunInstances) are mutations too, but moto refuses their
    // signature when they come by GET, even botocore's own: S3's GET stands in for them.
    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "?uploads")]
    public async Task AnS3Call_WhoseAnswerIsLost_ReachesTheUpstreamOnce_AndIsRecordedAsMaybeRun(string method, string query)
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var bucket = AirlockEnvironment.UniqueName("answer-lost");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        Assert.Equal(0, (await env.MotoAsync("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")).ExitCode);
        var target = $"/{bucket}/doc.txt{query}";
        env.Recorder.DropAnswersTo(r => r.Method == method && r.Target == target);
        var (putStatus, putBody) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Put, $"/{bucket}/doc.txt", "s3", body: "v1"u8.ToArray());
        Assert.True(putStatus == HttpStatusCode.OK, putBody);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, new HttpMethod(method), target, "s3");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("may have run", body);
        Assert.Single(env.Recorder.Received, r => r.Method == method && r.Target == target);
        var record = Assert.Single(await env.AuditAsync(), e => e.Method == method && e.Path == target);
        Assert.Equal("allow", record.Decision);
        Assert.Contains("the call may have run", record.Reason);
        if (method != "GET")
        {
            // What moto did, once: one delete marker beside the object's version (there were four), or one upload begun.
            var listed = await env.MotoAsync("s3api", method == "DELETE" ? "list-object-versions" : "list-multipart-uploads", "--bucket", bucket);
            Assert.Equal(method == "DELETE" ? 2 : 1, CountOf(listed.StdOut, method == "DELETE" ? "\"VersionId\"" : "\"UploadId\""));
        }
    }

    [Fact]
    public async Task ACallToAnUpstreamNothingListensOn_IsRecordedAsNotSent()
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.UnreachableConnection);
        var bucket = AirlockEnvironment.UniqueName("nowhere");

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Delete, $"/{bucket}/doc.txt", "s3");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("could not reach the upstream of connection", body);
        var record = Assert.Single(await env.AuditAsync(), e => e.Method == "DELETE" && e.Path == $"/{bucket}/doc.txt");
        Assert.Equal("upstream unreachable", record.Reason);
    }

    [Fact]
    public async Task AnAnswerThatBreaksOff_CutsTheCaller_AndIsRecordedAsRunWithItsAnswerBroken()
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var bucket = AirlockEnvironment.UniqueName("answer-broken");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var (putStatus, putBody) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Put, $"/{bucket}/big.bin", "s3", body: new byte[300_000]);
        Assert.True(putStatus == HttpStatusCode.OK, putBody);
        env.Recorder.BreakAnswersTo(r => r.Method == "GET" && r.Target == $"/{bucket}/big.bin");

        await Assert.ThrowsAnyAsync<Exception>(() => SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Get, $"/{bucket}/big.bin", "s3"));

        var record = Assert.Single(await env.AuditAsync(), e => e.Method == "GET" && e.Path == $"/{bucket}/big.bin");
        Assert.Contains("executed upstream (status 200", record.Reason);
        Assert.Contains("its answer broke off", record.Reason);
    }

    [Fact]
    public async Task ACallerThatGoesAwayMidAnswer_IsRecordedAsGone()
    {
        var agent = await env.NewSessionAsync(groups: ["power"]);
        var bucket = AirlockEnvironment.UniqueName("caller-gone");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        // Larger than loopback's socket buffers, so Airlock is still writing when the caller leaves.
        var (putStatus, putBody) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Put, $"/{bucket}/big.bin", "s3", body: new byte[32 << 20]);
        Assert.True(putStatus == HttpStatusCode.OK, putBody);

        await using (var socket = await RawHttp.ConnectAsync(env.Gateway.Url))
        {
            await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "GET", $"/{bucket}/big.bin", "s3", new Dictionary<string, string>
            {
                ["x-amz-content-sha256"] = Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex([]),
            }, new Dictionary<string, string>(), Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex([])));
            Assert.False(await socket.ClosedByServerAsync());
        }

        var record = await WaitForAsync(() => env.AuditAsync(), e => e.Method == "GET" && e.Path == $"/{bucket}/big.bin" && e.Reason is not null);
        Assert.Equal("caller went away", record.Reason);
    }

    [Fact]
    public async Task ACallerWhoseUploadBreaksOff_IsRecordedAsGone_AndNothingIsStored()
    {
        var agent = await env.NewSessionAsync(groups: ["power"]);
        var bucket = AirlockEnvironment.UniqueName("upload-gone");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);

        await using (var socket = await RawHttp.ConnectAsync(env.Gateway.Url))
        {
            await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", $"/{bucket}/part.bin", "s3",
                new Dictionary<string, string> { ["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD" },
                new Dictionary<string, string> { ["content-length"] = "300000" }, "UNSIGNED-PAYLOAD") + new string('a', 1000));
            await Task.Delay(500);
        }

        var record = await WaitForAsync(() => env.AuditAsync(), e => e.Method == "PUT" && e.Path == $"/{bucket}/part.bin" && e.Reason is not null);
        Assert.Equal("caller went away", record.Reason);
        Assert.DoesNotContain("part.bin", (await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket)).StdOut);
    }

    private static async Task<Airlock.Audit.AuditEntry> WaitForAsync(
        Func<Task<IReadOnlyList<Airlock.Audit.AuditEntry>>> read, Func<Airlock.Audit.AuditEntry, bool> match)
    {
        for (var i = 0; i < 50; i++)
        {
            if ((await read()).SingleOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("no such record after 5 s");
    }

    private static int CountOf(string text, string value) => text.Split(value).Length - 1;
}
