using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>A caller asks the gateway what it may do: the statements that apply to it, nothing else.</summary>
[Collection(AirlockCollection.Name)]
public sealed class PermissionsTests(AirlockEnvironment env)
{
    [Fact]
    public async Task Permissions_ListTheStatementsThatApplyToTheCaller()
    {
        var tokenFile = Path.Combine(env.WorkDir, "permissions.jwt");
        await File.WriteAllTextAsync(tokenFile, env.Issuer.Mint(subject: "curious-agent", groups: ["agents"]));
        string[] Args(params string[] extra) =>
            [Tools.AirlockDll, "permissions", "--gateway", env.Gateway.Url, "--token-file", tokenFile, "--connection", AirlockEnvironment.Connection, .. extra];

        var table = await ProcessRunner.RunAsync("dotnet", Args(), new Dictionary<string, string?>());
        var json = await ProcessRunner.RunAsync("dotnet", Args("--json"), new Dictionary<string, string?>());

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("curious-agent on moto (groups: agents)", table.StdOut);
        Assert.Contains("Allow  AgentsWork: s3:*, dynamodb:*, secretsmanager:*, sts:GetCallerIdentity on *", table.StdOut);
        Assert.Contains("Deny   NoBucketDeletion: s3:DeleteBucket on *", table.StdOut);
        Assert.Contains("Review DropsNeedAnSre: dynamodb:DeleteTable on arn:aws:dynamodb:*:*:table/*", table.StdOut);
        Assert.DoesNotContain("PowerAgents", table.StdOut);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(json.StdOut);
        var sids = doc.RootElement.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("sid").GetString()).ToList();
        Assert.Equal(["AgentsWork", "NoBucketDeletion", "NoForbiddenWrites", "ProtectedObjects", "KeptVersions", "LockedStaysLocked", "NothingPublic", "LogsStayMasked", "PayrollStaysPut", "NotOtherAccountsQueues", "VaultStaysShut", "NoAdminRoles", "SealedListings", "DropsNeedAnSre", "CriticalDropsNeedTwo"], sids);
        Assert.Contains(await env.AuditAsync(), e => e.Principal == "curious-agent" && e.Operation == "ListPermissions" && e.Decision == "allow");
    }

    [Fact]
    public async Task Permissions_Unsigned_AreRefused()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(env.Gateway.Url + "/_airlock/permissions");

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("MissingAuthenticationToken", await response.Content.ReadAsStringAsync());
    }
}
