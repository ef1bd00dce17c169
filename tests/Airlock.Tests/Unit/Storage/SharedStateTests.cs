using Airlock.Approvals;
using Airlock.Identity;
using Airlock.Storage;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Unit.Storage;

/// <summary>
/// The stores as several nodes see them on one PostgreSQL (the run's real server, a database per test), each node with
/// its own handle: migrations applied once when nodes start together, a revocation seen on the next lookup of every
/// node, concurrent votes from two nodes settling an approval of quorum 2, revocations that can be renewed.
/// </summary>
public sealed class SharedStateTests
{
    private static readonly SecretSeal Seal = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), []);

    private static async Task<(PostgresDatabase A, PostgresDatabase B)> TwoNodesAsync()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).NewDatabaseAsync("state");
        var (a, b) = (new PostgresDatabase(connectionString), new PostgresDatabase(connectionString));
        await Task.WhenAll(a.MigrateAsync(default), b.MigrateAsync(default));
        return (a, b);
    }

    [Fact]
    public async Task NodesStartingTogether_ApplyEachMigrationOnce()
    {
        var connectionString = await (await PostgresServer.SharedAsync()).NewDatabaseAsync("migrate");
        var nodes = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();

        var applied = await Task.WhenAll(nodes.Select(n => n.MigrateAsync(default)));

        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Latest), applied.SelectMany(a => a).Order());
        Assert.Empty(await nodes[0].MigrateAsync(default));
        nodes.ForEach(n => n.Dispose());
    }

    [Fact]
    public async Task ARevocationOnOneNode_IsSeenOnTheOthersNextLookup()
    {
        var (a, b) = await TwoNodesAsync();
        var (nodeA, nodeB) = (new SessionStore(a, Seal), new SessionStore(b, Seal));
        var now = DateTimeOffset.UtcNow;
        await nodeA.CreateAsync(new Session("sess-pg", "ASIAPGONE", "secret", "token", "agent-1", "https://idp", ["agents"], "prod", now, now.AddHours(1), null), default);

        Assert.Null((await nodeB.FindByAccessKeyAsync("ASIAPGONE", default))!.Session.RevokedAt);
        Assert.Null((await nodeB.FindByAccessKeyAsync("ASIAPGONE", default))!.Session.RevokedAt);
        Assert.True(await nodeA.RevokeAsync("sess-pg", now, default));

        Assert.NotNull((await nodeB.FindByAccessKeyAsync("ASIAPGONE", default))!.Session.RevokedAt);
        Assert.Single(await nodeB.ListAsync(includeEnded: true, now, default));
        Assert.Empty(await nodeB.ListAsync(includeEnded: false, now, default));
    }

    [Fact]
    public async Task ASubjectRevokedAgain_IsRevokedUntilTheLaterTime()
    {
        var (a, b) = await TwoNodesAsync();
        var now = DateTimeOffset.UtcNow;
        await new SessionStore(a, Seal).RevokeSubjectAsync("agent-2", now.AddHours(1), now, default);
        await new SessionStore(b, Seal).RevokeSubjectAsync("agent-2", now.AddHours(3), now, default);

        var until = await new SessionStore(a, Seal).RevokedUntilAsync("agent-2", "no-token", now, default);

        Assert.Equal(StoreTime.Format(now.AddHours(3)), StoreTime.Format(until!.Value));
    }

    [Fact]
    public async Task TwoApproversOnTwoNodesAtOnce_SettleAQuorumOfTwo()
    {
        var (a, b) = await TwoNodesAsync();
        var now = DateTimeOffset.UtcNow;
        await new ApprovalStore(a).CreateAsync(new Approval
        {
            Id = "apr-000000000001", CreatedAt = now, ExpiresAt = now.AddMinutes(5), Status = "pending", SessionId = "sess-1", Requester = "agent-1",
            Connection = "prod", Action = "dynamodb:DeleteTable", Resources = ["arn:aws:dynamodb:us-east-1:1:table/t"], Parameters = new Dictionary<string, string>(),
            Fingerprint = "f", ApproverGroups = ["sre", "dba"], Quorum = 2,
        }, default);

        var votes = await Task.WhenAll(
            new ApprovalStore(a).VoteAsync("apr-000000000001", new ApprovalVote("sre-1", "approve", null, now), default),
            new ApprovalStore(b).VoteAsync("apr-000000000001", new ApprovalVote("dba-1", "approve", null, now), default));

        Assert.All(votes, Assert.NotNull);
        var settled = await new ApprovalStore(b).GetAsync("apr-000000000001", default);
        Assert.Equal("approved", settled!.Status);
        Assert.Equal(2, settled.Votes.Count);
        Assert.Null(await new ApprovalStore(a).VoteAsync("apr-000000000001", new ApprovalVote("sre-2", "deny", "late", now), default));
        Assert.True(await new ApprovalStore(b).ConsumeAsync("apr-000000000001", default));
        Assert.False(await new ApprovalStore(a).ConsumeAsync("apr-000000000001", default));
    }

    [Fact]
    public async Task TheHoldPoll_FindsTheDecidedAmongManyHeldApprovals_OnEitherStore()
    {
        var (postgres, _) = await TwoNodesAsync();
        var dir = Directory.CreateTempSubdirectory("airlock-poll-").FullName;
        var sqlite = new SqliteDatabase(Path.Combine(dir, "airlock.db"));
        sqlite.EnsureSchema();
        foreach (IStateDatabase database in new IStateDatabase[] { postgres, sqlite })
        {
            var store = new ApprovalStore(database);
            var now = DateTimeOffset.UtcNow;
            // More held than one query's list takes: the poll asks in chunks.
            var ids = Enumerable.Range(0, 1203).Select(i => $"apr-{i:D12}").ToList();
            foreach (var id in ids)
            {
                await store.CreateAsync(new Approval
                {
                    Id = id, CreatedAt = now, ExpiresAt = now.AddMinutes(5), Status = "pending", SessionId = "sess-1", Requester = "agent-1",
                    Connection = "prod", Action = "dynamodb:DeleteTable", Resources = [], Parameters = new Dictionary<string, string>(),
                    Fingerprint = id, ApproverGroups = ["sre"], Quorum = 1,
                }, default);
            }

            await store.VoteAsync(ids[3], new ApprovalVote("sre-1", "approve", null, now), default);
            await store.VoteAsync(ids[700], new ApprovalVote("sre-1", "deny", "no", now), default);
            await store.VoteAsync(ids[1202], new ApprovalVote("sre-1", "approve", null, now), default);
            Assert.True(await store.ConsumeAsync(ids[1202], default));

            var decided = await store.DecidedAmongAsync(ids.Where(id => id != ids[3]).Append("apr-unknown"), default);

            Assert.Equal([ids[700], ids[1202]], decided.Order());
        }
    }

    [Fact]
    public async Task AGrant_DecidedOnOneNode_IsActiveOnTheOther()
    {
        var (a, b) = await TwoNodesAsync();
        var now = DateTimeOffset.UtcNow;
        await new GrantStore(a).CreateAsync(new Grant
        {
            Id = "grt-1", CreatedAt = now, Status = "pending", Requester = "agent-1", Actions = ["s3:GetObject"], Resources = ["*"], DurationSeconds = 600,
        }, default);

        Assert.True(await new GrantStore(a).DecideAsync("grt-1", "pending", "approved", "sre-1", null, now.AddMinutes(10), default));
        Assert.False(await new GrantStore(b).DecideAsync("grt-1", "pending", "denied", "sre-2", "late", null, default));

        var active = Assert.Single(await new GrantStore(b).ActiveForAsync("agent-1", now, default));
        Assert.Equal("sre-1", active.DecidedBy);
        Assert.Single(await new GrantStore(b).ListAsync(default));
    }

    [Fact]
    public async Task TwoNodesClaimingTheOutboxAtOnce_TakeEachDeliveryOnce_AndALapsedLeaseIsClaimedAgain()
    {
        var (a, b) = await TwoNodesAsync();
        var now = DateTimeOffset.UtcNow;
        var deliveries = Enumerable.Range(0, 100).Select(i => new WebhookDelivery(0, $"evt-{i}", "approval.requested", $"apr-{i}", "http://127.0.0.1:1/hook", "{}", 0)).ToList();
        await new WebhookOutbox(a).AddAsync(deliveries, now, default);

        async Task<List<string>> DrainAsync(WebhookOutbox node)
        {
            var taken = new List<string>();
            while (await node.ClaimAsync(now, now.AddSeconds(30), 7, default) is { Count: > 0 } claimed)
            {
                taken.AddRange(claimed.Select(d => d.EventId));
            }

            return taken;
        }

        var taken = await Task.WhenAll(DrainAsync(new WebhookOutbox(a)), DrainAsync(new WebhookOutbox(b)));

        Assert.Equal(100, taken[0].Count + taken[1].Count);
        Assert.Equal(deliveries.Select(d => d.EventId).Order(), taken.SelectMany(t => t).Order());
        // Not delivered, and its lease run out (the node died mid-send): the next claim takes it again, counted.
        var again = await new WebhookOutbox(b).ClaimAsync(now.AddSeconds(31), now.AddSeconds(61), 500, default);
        Assert.Equal(100, again.Count);
        Assert.All(again, d => Assert.Equal(2, d.Attempts));
        await new WebhookOutbox(a).DeliveredAsync(again[0].Id, now, default);
        Assert.Equal(99, (await new WebhookOutbox(a).ClaimAsync(now.AddSeconds(62), now.AddSeconds(92), 500, default)).Count);
    }
}
