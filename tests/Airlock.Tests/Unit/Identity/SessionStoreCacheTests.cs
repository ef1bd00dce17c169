using Airlock.Identity;
using Airlock.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Airlock.Tests.Unit.Identity;

/// <summary>
/// The gateway keeps sessions in memory, but a revocation made by another process (the CLI) on the same store file
/// must count on the very next call: these drive two store instances, as the gateway and the CLI would be.
/// </summary>
public sealed class SessionStoreCacheTests : IDisposable
{
    private static readonly SecretSeal Seal = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), []);

    private readonly SqliteDatabase _database;
    private readonly SessionStore _gateway;
    private readonly SessionStore _cli;

    public SessionStoreCacheTests()
    {
        _database = new SqliteDatabase(Path.Combine(Directory.CreateTempSubdirectory("airlock-sessions-").FullName, "airlock.db"));
        _database.EnsureSchema();
        _gateway = new SessionStore(_database, Seal);
        _cli = new SessionStore(new SqliteDatabase(_database.Path), Seal);
    }

    private static Session NewSession(string key) =>
        new("sess-" + key, key, "secret-" + key, "token-" + key, "agent-1", "https://idp", ["agents"], "prod",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), null);

    [Fact]
    public async Task Revocation_ByAnotherStore_IsSeenOnTheNextLookup()
    {
        await _cli.CreateAsync(NewSession("ASIAONE"), default);
        await _cli.CreateAsync(NewSession("ASIATWO"), default);
        Assert.Null((await _gateway.FindByAccessKeyAsync("ASIAONE", default))!.Session.RevokedAt);
        Assert.Null((await _gateway.FindByAccessKeyAsync("ASIAONE", default))!.Session.RevokedAt);

        Assert.True(await _cli.RevokeAsync("sess-ASIAONE", DateTimeOffset.UtcNow, default));

        Assert.NotNull((await _gateway.FindByAccessKeyAsync("ASIAONE", default))!.Session.RevokedAt);
        Assert.Null((await _gateway.FindByAccessKeyAsync("ASIATWO", default))!.Session.RevokedAt);
    }

    [Fact]
    public async Task AnyEditOfTheRow_EvenByHand_IsSeenOnTheNextLookup()
    {
        await _cli.CreateAsync(NewSession("ASIAHAND"), default);
        Assert.Equal("prod", (await _gateway.FindByAccessKeyAsync("ASIAHAND", default))!.Session.Connection);

        Execute("UPDATE sessions SET connection = 'staging' WHERE access_key_id = 'ASIAHAND'");
        Assert.Equal("staging", (await _gateway.FindByAccessKeyAsync("ASIAHAND", default))!.Session.Connection);

        Execute("DELETE FROM sessions WHERE access_key_id = 'ASIAHAND'");
        Assert.Null(await _gateway.FindByAccessKeyAsync("ASIAHAND", default));
    }

    [Fact]
    public async Task UnknownKey_IsNotFound_UntilTheSessionIsCreated()
    {
        Assert.Null(await _gateway.FindByAccessKeyAsync("ASIALATER", default));
        await _cli.CreateAsync(NewSession("ASIALATER"), default);
        Assert.Equal("sess-ASIALATER", (await _gateway.FindByAccessKeyAsync("ASIALATER", default))!.Session.Id);
    }

    [Fact]
    public async Task StoreThatCannotBeRead_Fails_RatherThanAnswerFromMemory()
    {
        await _cli.CreateAsync(NewSession("ASIAGONE"), default);
        Assert.NotNull(await _gateway.FindByAccessKeyAsync("ASIAGONE", default));

        Execute("DROP TABLE sessions_version");

        await Assert.ThrowsAsync<SqliteException>(() => _gateway.FindByAccessKeyAsync("ASIAGONE", default).AsTask());
    }

    private void Execute(string sql)
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _cli.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
