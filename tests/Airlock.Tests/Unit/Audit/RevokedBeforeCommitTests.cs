using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Identity;
using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>
/// With sessions and trail in one store, a call's session comes from memory while the audit writer tells the sessions'
/// change counter, and the writer checks the session again in the commit of the call's decision: a revocation by
/// another process (the CLI) between the two still stops the call, and the record says so.
/// </summary>
public sealed class RevokedBeforeCommitTests : IAsyncDisposable
{
    private static readonly SecretSeal Seal = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), []);

    private readonly SqliteDatabase _database;
    private readonly SessionsVersionWatch _watch = new();
    private readonly SessionStore _gateway;
    private readonly SessionStore _cli;
    private readonly AuditStore _audit;

    public RevokedBeforeCommitTests()
    {
        var folder = Directory.CreateTempSubdirectory("airlock-revoked-").FullName;
        _database = new SqliteDatabase(Path.Combine(folder, "airlock.db"));
        _database.EnsureSchema();
        _gateway = new SessionStore(_database, Seal, _watch);
        _cli = new SessionStore(new SqliteDatabase(_database.Path), Seal);
        _audit = new AuditStore(new SqliteAuditDatabase(_database), new AuditOptions(), Path.Combine(folder, "audit-signing.key"), TimeProvider.System, null, _watch);
    }

    [Fact]
    public async Task ASessionRevokedAfterItWasRead_IsRefusedInTheCommitOfTheCallsDecision()
    {
        await _cli.CreateAsync(NewSession("ASIAONE"), default);
        var read = (await _gateway.FindByAccessKeyAsync("ASIAONE", default))!;
        await _audit.AppendAsync(Decision("first", read, "allow"), default);
        Assert.True(_watch.Seen >= 0);

        Assert.True(await _cli.RevokeAsync("sess-ASIAONE", DateTimeOffset.UtcNow, default));
        // From memory: the counter the writer told has not moved yet.
        var stale = (await _gateway.FindByAccessKeyAsync("ASIAONE", default))!;
        Assert.Null(stale.Session.RevokedAt);

        var refused = await Assert.ThrowsAsync<SessionRevokedException>(() => _audit.AppendAsync(Decision("second", stale, "allow"), default));

        Assert.Equal("Airlock session sess-ASIAONE has been revoked.", refused.Message);
        var recorded = (await _audit.TailAsync(10, 0, default)).Single(e => e.RequestId == "second");
        Assert.Equal("refuse", recorded.Decision);
        Assert.Equal("InvalidClientTokenId: Airlock session sess-ASIAONE has been revoked.", recorded.Reason);
        // The writer has told the new counter: the next lookup reads the session again.
        Assert.NotNull((await _gateway.FindByAccessKeyAsync("ASIAONE", default))!.Session.RevokedAt);
    }

    [Fact]
    public async Task AnotherSessionsChange_OrADecisionNotToRun_IsRecordedAsDecided()
    {
        await _cli.CreateAsync(NewSession("ASIAKEPT"), default);
        await _cli.CreateAsync(NewSession("ASIAGONE"), default);
        var kept = (await _gateway.FindByAccessKeyAsync("ASIAKEPT", default))!;
        var gone = (await _gateway.FindByAccessKeyAsync("ASIAGONE", default))!;
        await _audit.AppendAsync(Decision("warm", kept, "allow"), default);

        Assert.True(await _cli.RevokeAsync("sess-ASIAGONE", DateTimeOffset.UtcNow, default));
        await _audit.AppendAsync(Decision("kept", kept, "allow"), default);
        await _audit.AppendAsync(Decision("denied", gone, "deny"), default);

        var recorded = await _audit.TailAsync(10, 0, default);
        Assert.Equal("allow", recorded.Single(e => e.RequestId == "kept").Decision);
        Assert.Equal("deny", recorded.Single(e => e.RequestId == "denied").Decision);
    }

    [Fact]
    public async Task WhileTheWriterTellsTheCounter_ASessionLookupReadsNothing_AndAllocatesNothing()
    {
        await _cli.CreateAsync(NewSession("ASIAHOT"), default);
        var read = (await _gateway.FindByAccessKeyAsync("ASIAHOT", default))!;
        await _audit.AppendAsync(Decision("warm", read, "allow"), default);
        // The store can no longer be read: a lookup that tried would fail.
        using (var connection = _database.Open())
        using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "ALTER TABLE sessions_version RENAME TO sessions_version_gone";
            drop.ExecuteNonQuery();
        }

        const int Calls = 2000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            await _gateway.FindByAccessKeyAsync("ASIAHOT", default);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
        Assert.True(perCall == 0, $"{perCall} bytes per lookup (budget 0: the session from memory)");
        Assert.Same(read, await _gateway.FindByAccessKeyAsync("ASIAHOT", default));
    }

    private static AuditEntry Decision(string requestId, StoredSession session, string decision) => new()
    {
        RequestId = requestId,
        Time = DateTimeOffset.UtcNow,
        SessionId = session.Session.Id,
        SessionsVersion = session.SessionsVersion,
        Decision = decision,
    };

    private static Session NewSession(string key) =>
        new("sess-" + key, key, "secret-" + key, "token-" + key, "agent-1", "https://idp", ["agents"], "prod",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), null);

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync();
        _gateway.Dispose();
        _cli.Dispose();
    }
}
