using Airlock.Tests.Integration.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A gateway stopped by SIGTERM signs a last checkpoint after its queue drains, so the calls it recorded last cannot
/// be cut off unseen; and each checkpoint goes to a witness file, which names a cut that also deleted checkpoints.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class AuditCheckpointAtStopTests : IAsyncLifetime
{
    private readonly AirlockEnvironment env = new() { AuditWitnessFile = "witness/checkpoints.jsonl" };

    private string WitnessPath => Path.Combine(env.WorkDir, "witness", "checkpoints.jsonl");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(env.WorkDir, "witness"));
        return env.InitializeAsync();
    }

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task CleanStop_SignsALastCheckpoint_ACutTailIsNamed_AndTheWitnessNamesItAfterTheCheckpointIsDeletedToo()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("stop");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}")).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(credentials, "dynamodb", "list-tables")).ExitCode);
        await env.AuditAsync();
        // The last call is denied: one record, no outcome after it, so cutting it leaves a clean tail.
        Assert.NotEqual(0, (await env.CliV2Async(credentials, "s3", "rb", $"s3://{bucket}")).ExitCode);
        var denied = (await env.AuditAsync()).Last(e => e.Decision == "deny");

        Assert.Equal(0, await env.Gateway.StopAsync());

        var (lastSeq, lastRecord, lastCheckpoint) = await TailAsync();
        Assert.Equal(denied.Id, lastRecord);
        Assert.Equal(lastSeq, lastCheckpoint);
        Assert.Contains($"\"Seq\":{lastSeq},", await File.ReadAllTextAsync(WitnessPath));
        var intact = await env.AirlockAsync("audit", "verify", "--witness", WitnessPath);
        Assert.True(intact.ExitCode == 0, intact.ToString());
        Assert.Contains($"last at record {lastSeq}", intact.StdOut);

        await env.ExecuteSqlAsync($"DELETE FROM audit_log WHERE seq = {lastSeq}; DELETE FROM audit WHERE id = {denied.Id}");
        var cut = await env.AirlockAsync("audit", "verify");
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains($"records {lastSeq}..{lastSeq} were cut off", cut.StdOut);

        // Whoever cut the tail deletes the checkpoint too: the store alone can no longer tell, the witness can.
        await env.ExecuteSqlAsync($"DELETE FROM audit_checkpoints WHERE seq = {lastSeq}");
        var storeAlone = await env.AirlockAsync("audit", "verify");
        Assert.True(storeAlone.ExitCode == 0, storeAlone.ToString());
        foreach (var witness in new[] { WitnessPath, env.Webhooks.Url + "/witness" })
        {
            var witnessed = await env.AirlockAsync("audit", "verify", "--witness", witness);
            Assert.Equal(1, witnessed.ExitCode);
            Assert.Contains($"the witness saw a signed checkpoint at record {lastSeq}: records {lastSeq}..{lastSeq} were cut off", witnessed.StdOut);
        }
    }

    [Fact]
    public async Task AWitnessedCheckpointDeletedFromTheStore_IsNamed()
    {
        var credentials = await env.NewSessionAsync();
        Assert.Equal(0, (await env.CliV2Async(credentials, "dynamodb", "list-tables")).ExitCode);
        await env.AuditAsync();
        await env.RestartGatewayAsync(graceful: true);
        Assert.Equal(0, (await env.CliV2Async(credentials, "dynamodb", "list-tables")).ExitCode);
        await env.AuditAsync();
        Assert.Equal(0, await env.Gateway.StopAsync());

        // One checkpoint at each stop, both witnessed.
        Assert.Equal(2, (await File.ReadAllLinesAsync(WitnessPath)).Length);
        var (lastSeq, _, _) = await TailAsync();
        var older = await ScalarAsync("SELECT min(seq) FROM audit_checkpoints");
        Assert.True(older < lastSeq);
        Assert.Equal(0, (await env.AirlockAsync("audit", "verify", "--witness", WitnessPath)).ExitCode);
        await env.ExecuteSqlAsync($"DELETE FROM audit_checkpoints WHERE seq = {older}");

        var result = await env.AirlockAsync("audit", "verify", "--witness", WitnessPath);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"the checkpoint at record {older} that the witness saw is missing from the store: deleted", result.StdOut);
    }

    private async Task<(long Seq, long Record, long Checkpoint)> TailAsync() => (
        await ScalarAsync("SELECT max(seq) FROM audit_log"),
        await ScalarAsync("SELECT record_id FROM audit_log ORDER BY seq DESC LIMIT 1"),
        await ScalarAsync("SELECT max(seq) FROM audit_checkpoints"));

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={env.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
