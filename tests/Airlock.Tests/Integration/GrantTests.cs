using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>Time-boxed grants: an approved grant allows what the policy does not, until it expires or is revoked.</summary>
[Collection(AirlockCollection.Name)]
public sealed partial class GrantTests(AirlockEnvironment env)
{
    [Fact]
    public async Task TwoSecondGrant_LetsADeniedCallThrough_ThenExpires_AndARevokedGrantStopsAtOnce()
    {
        var credentials = await env.NewSessionAsync(subject: "granted-agent");
        var requester = await TokenAsync("granted-agent", "agents");
        var sre = await TokenAsync("sre-1", "sre");
        Assert.Equal(HttpStatusCode.Forbidden, (await ListQueuesAsync(credentials)).Status);

        var shortGrant = await GrantAsync(requester, sre, "2s");
        var during = await ListQueuesAsync(credentials);
        Assert.True(during.Status == HttpStatusCode.OK, during.Body);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var after = await ListQueuesAsync(credentials);
        Assert.Equal(HttpStatusCode.Forbidden, after.Status);
        Assert.Contains("No policy statement allows sqs:ListQueues", after.Body);

        var longGrant = await GrantAsync(requester, sre, "10m");
        Assert.Equal(HttpStatusCode.OK, (await ListQueuesAsync(credentials)).Status);
        var revoke = await GrantsAsync(requester, "revoke", longGrant, "--reason", "done debugging");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("revoked", revoke.StdOut);
        Assert.Equal(HttpStatusCode.Forbidden, (await ListQueuesAsync(credentials)).Status);

        var audit = await env.AuditAsync();
        Assert.Contains(audit, e => e.Operation == "ListQueues" && e.Decision == "allow" && e.Reason!.Contains($"allowed by grant {shortGrant}"));
        Assert.Contains(audit, e => e.Operation == "RevokeGrant" && e.Principal == "granted-agent");
    }

    [Fact]
    public async Task GrantRequest_CannotBeApprovedByItsRequester()
    {
        var requester = await TokenAsync("sre-who-asks", "agents", "sre");
        var request = await GrantsAsync(requester, "request", null, "--action", "sqs:ListQueues", "--duration", "5m");
        var id = GrantId().Match(request.StdOut).Value;

        var own = await GrantsAsync(requester, "approve", id);

        Assert.NotEqual(0, own.ExitCode);
        Assert.Contains("cannot decide your own request", own.StdErr);
    }

    private async Task<string> GrantAsync(string requester, string approver, string duration)
    {
        var request = await GrantsAsync(requester, "request", null, "--action", "sqs:ListQueues", "--duration", duration, "--reason", "debugging a queue");
        Assert.True(request.ExitCode == 0, request.ToString());
        Assert.Contains("pending", request.StdOut);
        var id = GrantId().Match(request.StdOut).Value;
        var approve = await GrantsAsync(approver, "approve", id);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.Contains("approved", approve.StdOut);
        return id;
    }

    private Task<(HttpStatusCode Status, string Body)> ListQueuesAsync(SessionCredentials credentials) =>
        SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Post, "/", "sqs",
            new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded" }, Encoding.UTF8.GetBytes("Action=ListQueues&Version=2012-11-05"));

    private async Task<string> TokenAsync(string subject, params string[] groups)
    {
        var file = Path.Combine(env.WorkDir, $"grant-{subject}.jwt");
        await File.WriteAllTextAsync(file, env.Issuer.Mint(subject: subject, groups: groups));
        return file;
    }

    private Task<ProcessResult> GrantsAsync(string tokenFile, string verb, string? id, params string[] extra) =>
        ProcessRunner.RunAsync("dotnet",
            [Tools.AirlockDll, "grants", verb, .. (id is null ? Array.Empty<string>() : [id]), "--gateway", env.Gateway.Url, "--token-file", tokenFile, .. extra],
            new Dictionary<string, string?>());

    [GeneratedRegex("grt-[0-9a-f]{12}")]
    private static partial Regex GrantId();
}
