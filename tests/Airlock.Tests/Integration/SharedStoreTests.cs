using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// Three gateway nodes on one PostgreSQL (<c>store.postgresql</c>, a server of this class's own on loopback), sharing
/// nothing else: a session issued on one is used on the others, a revocation anywhere refuses the session's next call
/// everywhere, and a call held on one node is released when it is approved through another.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class SharedStoreTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private AirlockEnvironment _env = null!;
    private GatewayProcess _node2 = null!;
    private GatewayProcess _node3 = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartNewAsync();
        _env = new AirlockEnvironment { StorePostgresql = await _server.NewDatabaseAsync("shared"), HoldSeconds = 20 };
        await _env.InitializeAsync();
        // Started together: each applies the missing migrations at start, one at a time under the advisory lock.
        var nodes = await Task.WhenAll(_env.StartSecondGatewayAsync("node2"), _env.StartSecondGatewayAsync("node3"));
        (_node2, _node3) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        _node2.Dispose();
        _node3.Dispose();
        await _env.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ASessionIssuedOnOneNode_WorksOnTheOthers_AndARevocationOnOneRefusesItsNextCallOnTheOthers()
    {
        var credentials = await _env.NewSessionAsync(subject: "roaming-agent");

        foreach (var node in new[] { _node2.Url, _node3.Url, _env.Gateway.Url })
        {
            var listed = await _env.CliV2AtAsync(node, credentials, "dynamodb", "list-tables");
            Assert.True(listed.ExitCode == 0, $"{node}: {listed}");
        }

        var revoke = await _env.AirlockAsync("sessions", "revoke", credentials.AccessKeyId);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());

        var refused = await _env.CliV2AtAsync(_node3.Url, credentials, "dynamodb", "list-tables");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("revoked", refused.StdErr);
        Assert.Contains(await _env.AuditAsync(), e => e.AccessKeyId == credentials.AccessKeyId && e.Decision == "refuse" && e.Reason!.Contains("revoked"));
    }

    [Fact]
    public async Task ACallHeldOnOneNode_ApprovedThroughAnother_IsReleasedOnce()
    {
        var credentials = await _env.NewSessionAsync(subject: "held-agent", gateway: _node2.Url);
        var table = AirlockEnvironment.UniqueName("shared-held");
        var create = await _env.CliV2AtAsync(_node2.Url, credentials, "dynamodb", "create-table", "--table-name", table,
            "--attribute-definitions", "AttributeName=k,AttributeType=S", "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
        Assert.True(create.ExitCode == 0, create.ToString());
        var sre = Path.Combine(_env.WorkDir, "shared-sre.jwt");
        await File.WriteAllTextAsync(sre, _env.Issuer.Mint(subject: "sre-shared", groups: ["sre"]));

        var delete = _env.CliV2AtAsync(_node2.Url, credentials, "dynamodb", "delete-table", "--table-name", table);
        var id = await PendingApprovalAsync(_node3.Url, sre, table);
        var approve = await ApprovalsAsync(_node3.Url, sre, "approve", id);
        var deleted = await delete;

        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain(table, (await _env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Single(await _env.AuditAsync(), e => e.Operation == "DeleteTable" && e.Decision == "allow" && e.Reason!.Contains($"approved in {id} by sre-shared"));

        var verify = await _env.AirlockAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static Task<ProcessResult> ApprovalsAsync(string gateway, string tokenFile, string verb, string id) =>
        ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, "approvals", verb, id, "--gateway", gateway, "--token-file", tokenFile], new Dictionary<string, string?>());

    private static async Task<string> PendingApprovalAsync(string gateway, string tokenFile, string table)
    {
        for (var i = 0; i < 60; i++)
        {
            var list = await ProcessRunner.RunAsync("dotnet",
                [Tools.AirlockDll, "approvals", "list", "--status", "pending", "--gateway", gateway, "--token-file", tokenFile], new Dictionary<string, string?>());
            if (list.StdOut.Split('\n').FirstOrDefault(l => l.Contains($"table/{table}")) is { } line)
            {
                return line.Split(' ')[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no pending approval for {table}");
    }
}
