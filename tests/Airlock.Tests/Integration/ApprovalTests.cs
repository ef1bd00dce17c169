using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>Review holds a real AWS CLI call until another person decides, with the airlock CLI.</summary>
[Collection(AirlockCollection.Name)]
public sealed partial class ApprovalTests(AirlockEnvironment env)
{
    [Fact]
    public async Task HeldDeleteTable_ApprovedByAnotherPrincipalInTime_IsDeletedUpstream()
    {
        var (credentials, table) = await TableAsync("held");
        var sre = await ApproverAsync("sre-1");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        var approve = await ApprovalsAsync(sre, "approve", id, "--reason", "cleanup is fine");
        var result = await delete;

        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "DeleteTable" && e.AccessKeyId == credentials.AccessKeyId && e.Decision == "allow" && e.Reason!.Contains($"approved in {id} by sre-1"));
        // The held call has its own review record with its approval id, even though it was decided within the hold.
        var held = Assert.Single(await env.AuditAsync(), e => e.Operation == "DeleteTable" && e.AccessKeyId == credentials.AccessKeyId && e.Decision == "review");
        Assert.Contains($"held for approval {id}", held.Reason);
        Assert.Contains("approved by sre-1", held.Reason);
        var search = await env.AirlockAsync("audit", "search", "--decision", "review", "--text", id);
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Contains(id, search.StdOut);

        // Approvers were told, both ways, despite the first webhook call failing (it is retried).
        for (var i = 0; i < 100 && env.Webhooks.Received.Count(r => r.Body.Contains(id) && r.Body.Contains("approval.decided")) == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(env.Webhooks.Received, r => r.Path == "flaky" && r.Body.Contains("\"approval.requested\"") && r.Body.Contains(id));
        Assert.Contains(env.Webhooks.Received, r => r.Path == "flaky" && r.Body.Contains("\"approval.decided\"") && r.Body.Contains(id));
        Assert.Contains(env.Webhooks.Received, r => r.Path == "slack" && r.Body.Contains("\"text\"") && r.Body.Contains(table) && r.Body.Contains(id));
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "NotifyApprovers" && e.Resources.Contains(id));
    }

    [Fact]
    public async Task HeldDeleteTable_Denied_KeepsTheTableAndShowsTheReason()
    {
        var (credentials, table) = await TableAsync("denied");
        var sre = await ApproverAsync("sre-1");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        Assert.Equal(0, (await ApprovalsAsync(sre, "deny", id, "--reason", "that table feeds billing")).ExitCode);
        var result = await delete;

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AirlockApprovalDenied", result.All);
        Assert.Contains("that table feeds billing", result.All);
        Assert.Contains(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var records = (await env.AuditAsync()).Where(e => e.Operation == "DeleteTable" && e.AccessKeyId == credentials.AccessKeyId).ToList();
        Assert.Contains(records, e => e.Decision == "review" && e.Reason!.Contains($"held for approval {id}") && e.Reason.Contains("denied by sre-1"));
        Assert.Contains(records, e => e.Decision == "deny" && e.Reason!.Contains("that table feeds billing"));
    }

    [Fact]
    public async Task HeldDeleteTable_WhoseSessionIsRevokedWhileHeld_IsRefusedWhenApproved_AndTheTableStays()
    {
        var (credentials, table) = await TableAsync("revoked-held");
        var sre = await ApproverAsync("sre-1");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        // Another process revokes the session while its call waits; then someone approves the call.
        var revoke = await env.AirlockAsync("sessions", "revoke", credentials.AccessKeyId);
        var approve = await ApprovalsAsync(sre, "approve", id, "--reason", "cleanup is fine");
        var result = await delete;

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("InvalidClientTokenId", result.All);
        Assert.Contains("has been revoked", result.All);
        Assert.Contains(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var records = (await env.AuditAsync()).Where(e => e.Operation == "DeleteTable" && e.AccessKeyId == credentials.AccessKeyId).ToList();
        Assert.DoesNotContain(records, e => e.Decision == "allow");
        Assert.Contains(records, e => e.Decision == "refuse" && e.Reason!.Contains("has been revoked"));
    }

    [Fact]
    public async Task Undecided_IsPendingWithItsId_ApprovedLater_TheRetryPassesOnce_AndCoversNoOtherCall()
    {
        var (credentials, table) = await TableAsync("later");
        var (_, other) = await TableAsync("other", credentials);
        var sre = await ApproverAsync("sre-2");

        var pending = await DeleteTableAsync(credentials, table);
        Assert.NotEqual(0, pending.ExitCode);
        Assert.Contains("AirlockApprovalPending", pending.All);
        var id = ApprovalId().Match(pending.All).Value;
        Assert.StartsWith("apr-", id);
        Assert.Equal(0, (await ApprovalsAsync(sre, "approve", id)).ExitCode);

        var retry = await DeleteTableAsync(credentials, table);
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);

        var otherCall = await DeleteTableAsync(credentials, other);
        Assert.Contains("AirlockApprovalPending", otherCall.All);
        Assert.DoesNotContain(id, otherCall.All);
        Assert.Contains(other, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var again = await DeleteTableAsync(credentials, table);
        Assert.Contains("AirlockApprovalPending", again.All);
        Assert.DoesNotContain(id, again.All);
    }

    [Fact]
    public async Task ApproverChoosesTwoUses_TheSameCallPassesTwiceThenIsHeldAgain()
    {
        var (credentials, table) = await TableAsync("twice");
        var sre = await ApproverAsync("sre-2");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        Assert.Equal(0, (await ApprovalsAsync(sre, "approve", id, "--uses", "2", "--valid-for", "600")).ExitCode);
        Assert.Equal(0, (await delete).ExitCode);
        var second = await DeleteTableAsync(credentials, table);
        var third = await DeleteTableAsync(credentials, table);

        // The second use reaches moto, which no longer has the table; the third is held anew.
        Assert.Contains("ResourceNotFoundException", second.All);
        Assert.Contains("AirlockApprovalPending", third.All);
        Assert.DoesNotContain(id, third.All);
    }

    [Fact]
    public async Task OwnApprovalIsRefused_AndQuorumTwoNeedsTwoDistinctApprovers()
    {
        var requesterToken = Path.Combine(env.WorkDir, "self-approver.jwt");
        await File.WriteAllTextAsync(requesterToken, env.Issuer.Mint(subject: "self-approver", groups: ["agents", "sre"]));
        var (credentials, table) = await TableAsync("q2-critical", subject: "self-approver", groups: ["agents", "sre"]);
        var sre1 = await ApproverAsync("sre-1");
        var sre2 = await ApproverAsync("sre-2");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre1, table);
        var own = await ApprovalsAsync(requesterToken, "approve", id);
        var first = await ApprovalsAsync(sre1, "approve", id);
        var twice = await ApprovalsAsync(sre1, "approve", id);
        var second = await ApprovalsAsync(sre2, "approve", id);
        var result = await delete;

        Assert.NotEqual(0, own.ExitCode);
        Assert.Contains("cannot decide your own request", own.StdErr);
        Assert.Contains("approval is now pending", first.StdOut);
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("approval is now approved", second.StdOut);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        // The refused attempts to decide are security events in the trail.
        var refused = (await env.AuditAsync()).Where(e => e.Operation == "ApproveCall" && e.Resources.Contains(id) && e.Decision == "refuse").ToList();
        Assert.Contains(refused, e => e.Principal == "self-approver" && e.Reason!.Contains("cannot decide your own request"));
        Assert.Contains(refused, e => e.Principal == "sre-1" && e.Reason!.Contains("already decided"));
    }

    [Fact]
    public async Task NonApproversAttemptToDecide_IsRefusedAndRecorded()
    {
        var (credentials, table) = await TableAsync("not-approver");
        var outsiderToken = Path.Combine(env.WorkDir, "outsider.jwt");
        await File.WriteAllTextAsync(outsiderToken, env.Issuer.Mint(subject: "outsider", groups: ["agents"]));
        var sre = await ApproverAsync("sre-1");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        var attempt = await ApprovalsAsync(outsiderToken, "deny", id, "--reason", "just because");
        Assert.Equal(0, (await ApprovalsAsync(sre, "deny", id, "--reason", "not today")).ExitCode);
        await delete;

        Assert.NotEqual(0, attempt.ExitCode);
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "DenyCall" && e.Resources.Contains(id) && e.Decision == "refuse"
            && e.Principal == "outsider" && e.Reason!.Contains("Only members of sre"));
    }

    [Fact]
    public async Task GatewayRestartedWhileACallIsPending_TheApprovalSurvivesAndAppliesToTheRetry()
    {
        var (credentials, table) = await TableAsync("restart");
        var sre = await ApproverAsync("sre-1");

        var delete = DeleteTableAsync(credentials, table);
        var id = await PendingApprovalAsync(sre, table);
        await env.RestartGatewayAsync();
        Assert.Equal(0, (await ApprovalsAsync(sre, "approve", id)).ExitCode);
        var first = await delete;
        var result = first.ExitCode == 0 ? first : await DeleteTableAsync(credentials, table);

        // The CLI retries the call cut by the restart on its own; either that retry or ours uses the approval.
        Assert.True(result.ExitCode == 0, $"{first}\n{result}");
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        Assert.Contains(await env.AuditAsync(), e => e.Operation == "DeleteTable" && e.Decision == "allow" && e.Reason!.Contains(id));
    }

    private async Task<(SessionCredentials Credentials, string Table)> TableAsync(
        string prefix, SessionCredentials? credentials = null, string subject = "agent-1", string[]? groups = null)
    {
        credentials ??= await env.NewSessionAsync(subject: subject, groups: groups);
        var table = AirlockEnvironment.UniqueName(prefix);
        var create = await env.CliV2Async(credentials, "dynamodb", "create-table", "--table-name", table,
            "--attribute-definitions", "AttributeName=k,AttributeType=S", "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
        Assert.True(create.ExitCode == 0, create.ToString());
        return (credentials, table);
    }

    private Task<ProcessResult> DeleteTableAsync(SessionCredentials credentials, string table) =>
        env.CliV2Async(credentials, "dynamodb", "delete-table", "--table-name", table);

    private async Task<string> ApproverAsync(string subject)
    {
        var file = Path.Combine(env.WorkDir, subject + ".jwt");
        await File.WriteAllTextAsync(file, env.Issuer.Mint(subject: subject, groups: ["sre"]));
        return file;
    }

    private Task<ProcessResult> ApprovalsAsync(string tokenFile, string verb, string id, params string[] extra) =>
        ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, "approvals", verb, id, "--gateway", env.Gateway.Url, "--token-file", tokenFile, .. extra],
            new Dictionary<string, string?>());

    /// <summary>Waits, as the approver, for the pending approval of this table's deletion to be listed.</summary>
    private async Task<string> PendingApprovalAsync(string tokenFile, string table)
    {
        for (var i = 0; i < 40; i++)
        {
            var list = await ProcessRunner.RunAsync("dotnet",
                [Tools.AirlockDll, "approvals", "list", "--status", "pending", "--gateway", env.Gateway.Url, "--token-file", tokenFile],
                new Dictionary<string, string?>());
            var line = list.StdOut.Split('\n').FirstOrDefault(l => l.Contains($"table/{table}"));
            if (line is not null)
            {
                return line.Split(' ')[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no pending approval for {table}");
    }

    [GeneratedRegex("apr-[0-9a-f]{12}")]
    private static partial Regex ApprovalId();
}
