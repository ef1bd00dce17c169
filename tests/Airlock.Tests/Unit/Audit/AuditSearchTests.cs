using Airlock.Audit;
using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>Each search filter on a real SQLite store, and paging.</summary>
public sealed class AuditSearchTests : IAsyncLifetime
{
    private SqliteAuditStore _store = null!;
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow.AddMinutes(-10);

    public async Task InitializeAsync()
    {
        var database = new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("airlock-search-").FullName, "airlock.db"));
        database.EnsureSchema();
        _store = new SqliteAuditStore(database);
        for (var i = 0; i < 12; i++)
        {
            await _store.AppendAsync(new AuditEntry
            {
                RequestId = $"R{i}",
                Time = _start.AddMinutes(i),
                Principal = i % 2 == 0 ? "alice" : "bob",
                SessionId = $"s-{i % 3}",
                Connection = i < 6 ? "prod" : "staging",
                Service = i % 4 == 0 ? "s3" : "dynamodb",
                Operation = i % 4 == 0 ? "GetObject" : "Query",
                Resources = [i % 4 == 0 ? $"arn:aws:s3:::reports/q{i}.csv" : $"arn:aws:dynamodb:us-east-1:1:table/orders-{i}"],
                Parameters = new Dictionary<string, string> { ["Marker"] = $"needle-{i}" },
                Decision = i == 5 ? "deny" : "allow",
            }, CancellationToken.None);
        }
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<string[]> FindAsync(AuditQuery query) =>
        (await _store.SearchAsync(query, CancellationToken.None)).Select(e => e.RequestId).ToArray();

    [Fact]
    public async Task EachFilterNarrowsTheRecords()
    {
        Assert.Equal(6, (await FindAsync(new AuditQuery { Subject = "alice" })).Length);
        Assert.Equal(["R1", "R4", "R7", "R10"], await FindAsync(new AuditQuery { Session = "s-1" }));
        Assert.Equal(6, (await FindAsync(new AuditQuery { Connection = "staging" })).Length);
        Assert.Equal(["R0", "R4", "R8"], await FindAsync(new AuditQuery { Service = "s3" }));
        Assert.Equal(["R0", "R4", "R8"], await FindAsync(new AuditQuery { Operation = "GetObject" }));
        Assert.Equal(["R4"], await FindAsync(new AuditQuery { Resource = "reports/q4" }));
        Assert.Equal(["R5"], await FindAsync(new AuditQuery { Decision = "deny" }));
        Assert.Equal(["R11"], await FindAsync(new AuditQuery { Text = "needle-11" }));
        Assert.Equal(["R3", "R4"], await FindAsync(new AuditQuery { Since = _start.AddMinutes(3), Until = _start.AddMinutes(5) }));
        Assert.Equal(["R8"], await FindAsync(new AuditQuery { Subject = "alice", Service = "s3", Connection = "staging" }));
    }

    [Fact]
    public async Task PagesFollowOneAnother()
    {
        var first = await _store.SearchAsync(new AuditQuery { Limit = 5 }, CancellationToken.None);
        var second = await _store.SearchAsync(new AuditQuery { Limit = 5, AfterId = first[^1].Id }, CancellationToken.None);
        Assert.Equal(["R0", "R1", "R2", "R3", "R4"], first.Select(e => e.RequestId));
        Assert.Equal(["R5", "R6", "R7", "R8", "R9"], second.Select(e => e.RequestId));
    }
}
