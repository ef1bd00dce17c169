using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>The same AWS CLI call under three policies, each edited in while Airlock runs.</summary>
[Collection(AirlockCollection.Name)]
public sealed class PolicyReloadTests(AirlockEnvironment env)
{
    private const string Allow = """
        Statement:
          - Sid: ReloadersList
            Effect: Allow
            Principal: { Group: [reloaders] }
            Action: dynamodb:ListTables
            Resource: "*"
        """;

    private const string Deny = Allow + """

          - Sid: ReloadersStop
            Effect: Deny
            Principal: { Group: [reloaders] }
            Action: "dynamodb:List*"
            Resource: "*"
        """;

    private const string Review = Allow + """

          - Sid: ReloadersAsk
            Effect: Review
            Principal: { Group: [reloaders] }
            Action: dynamodb:ListTables
            Resource: "*"
            Approvers: [sre]
        """;

    [Fact]
    public async Task SameCall_IsAllowedDeniedAndHeld_AsThePolicyIsEditedLive_AndABadEditIsIgnored()
    {
        var credentials = await env.NewSessionAsync(groups: ["reloaders"]);
        try
        {
            await WritePolicyAsync(Allow);
            var allowed = await ListTablesAsync(credentials);
            Assert.True(allowed.ExitCode == 0, allowed.ToString());

            await WritePolicyAsync(Deny);
            var denied = await ListTablesAsync(credentials);
            Assert.NotEqual(0, denied.ExitCode);
            Assert.Contains("AccessDenied", denied.All);
            Assert.Contains("ReloadersStop", denied.All);

            await WritePolicyAsync(Review);
            var held = await ListTablesAsync(credentials);
            Assert.NotEqual(0, held.ExitCode);
            Assert.Contains("AirlockApprovalPending", held.All);
            Assert.Contains("waiting for approval apr-", held.All);

            await WritePolicyAsync(Allow);
            Assert.Equal(0, (await ListTablesAsync(credentials)).ExitCode);
            await WritePolicyAsync(Allow.Replace("dynamodb:ListTables", "dynamodb:ListTablez", StringComparison.Ordinal), expectReload: false);
            var stillAllowed = await ListTablesAsync(credentials);
            Assert.True(stillAllowed.ExitCode == 0, stillAllowed.ToString());
            Assert.Contains("policy edit rejected", env.Gateway.ReadLog());
            Assert.Contains("'dynamodb:ListTablez' matches no IAM action nor API operation", env.Gateway.ReadLog());

            // Nothing but an edit of a policy file reloads the policy, not the logs written beside it.
            var reloads = CountLines("policy reloaded");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(reloads, CountLines("policy reloaded"));

            var audit = (await env.AuditAsync()).Where(e => e.AccessKeyId == credentials.AccessKeyId && e.Operation == "ListTables").Select(e => e.Decision).ToList();
            Assert.Equal(["allow", "deny", "review", "allow", "allow"], audit);
        }
        finally
        {
            await File.WriteAllTextAsync(env.ReloadablePolicyPath, "Statement: []\n");
        }
    }

    private Task<ProcessResult> ListTablesAsync(SessionCredentials credentials) => env.CliV2Async(credentials, "dynamodb", "list-tables");

    /// <summary>Writes the file and waits until the gateway has logged the reload (or the rejection).</summary>
    private async Task WritePolicyAsync(string text, bool expectReload = true)
    {
        var marker = expectReload ? "policy reloaded" : "policy edit rejected";
        var before = CountLines(marker);
        await File.WriteAllTextAsync(env.ReloadablePolicyPath, text);
        for (var i = 0; i < 100 && CountLines(marker) == before; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(CountLines(marker) > before, $"the gateway did not log '{marker}'");
    }

    private int CountLines(string marker) => env.Gateway.ReadLog().Split('\n').Count(l => l.Contains(marker, StringComparison.Ordinal));
}
