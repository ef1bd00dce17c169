using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A full audit queue on the real gateway: while another client holds the store's write lock, calls beyond the
/// queue are refused at once, none of them reaches moto, and calls go through again once the store is free.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class AuditQueueTests : IAsyncLifetime
{
    private readonly AirlockEnvironment env = new() { AuditQueueCapacity = 2 };

    public Task InitializeAsync() => env.InitializeAsync();

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task AFullQueue_RefusesCalls_NothingGoesUpstream_AndCallsRecover()
    {
        var credentials = await env.NewSessionAsync();
        var buckets = Enumerable.Range(0, 8).Select(_ => AirlockEnvironment.UniqueName("queue")).ToArray();
        List<(HttpStatusCode Status, string Body)> results;
        await using (var blocker = new SqliteConnection($"Data Source={env.DatabasePath};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            // One call first, alone: the writer takes its record and waits on the lock. Sent together with the rest, a
            // slow machine could let the writer take several records in one batch before it blocks, leaving fewer
            // to refuse. Of the seven after it, two fill the queue and five must be refused at once.
            var sent = DateTime.UtcNow;
            Task<(HttpStatusCode Status, string Body)> CreateBucket(string bucket) => SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Put, "/" + bucket, "s3");
            var first = CreateBucket(buckets[0]);
            await Task.Delay(1000);
            Assert.False(first.IsCompleted, "the first call did not wait for the locked store");
            List<Task<(HttpStatusCode Status, string Body)>> calls = [first, .. buckets.Skip(1).Select(CreateBucket)];
            // "At once" means before the writer's wait for the lock could end: the store's busy timeout is 5 s from
            // the first call's record, so a call that completes within 4.5 s of it was refused by the full queue, not
            // failed by a lock wait that ran out.
            var deadline = sent.AddSeconds(4.5);
            while (calls.Count(c => c.IsCompleted) < 5 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.True(calls.Count(c => c.IsCompleted) >= 5, "calls beyond the queue were not refused at once");
            await using (var rollback = blocker.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }

            results = [.. await Task.WhenAll(calls)];
        }

        var refused = buckets.Zip(results).Where(r => r.Second.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.InRange(refused.Count, 5, 8);
        Assert.All(refused, r => Assert.Contains("cannot record this call", r.Second.Body));
        foreach (var (bucket, _) in refused)
        {
            Assert.False(await env.BucketExistsUpstreamAsync(bucket));
        }

        Assert.Contains("AuditQueueFullException", env.Gateway.ReadLog());
        var recovered = await env.CliV2Async(credentials, "s3api", "create-bucket", "--bucket", AirlockEnvironment.UniqueName("queue-after"));
        Assert.True(recovered.ExitCode == 0, recovered.ToString());
    }
}
