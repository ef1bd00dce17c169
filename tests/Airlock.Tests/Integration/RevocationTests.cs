using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>Revoking stops more than one session: the token it came from, or every session and new exchange of a subject.</summary>
[Collection(AirlockCollection.Name)]
public sealed class RevocationTests(AirlockEnvironment env)
{
    [Fact]
    public async Task RevokedSession_TheTokenItCameFromGetsNoNewOne_AnotherTokenDoes()
    {
        var token = env.Issuer.Mint(subject: "revoked-token-agent", groups: ["agents"]);
        var (status, body) = await env.ExchangeAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);
        var accessKey = AirlockEnvironment.Find(body, "AccessKeyId");

        Assert.Equal(0, (await env.AirlockAsync("sessions", "revoke", accessKey)).ExitCode);
        var (again, refusal) = await env.ExchangeAsync(token);
        // Another token of the same subject (its own expiry makes it another token: the signature is deterministic).
        var (fresh, _) = await env.ExchangeAsync(env.Issuer.Mint(subject: "revoked-token-agent", groups: ["agents"], lifetime: TimeSpan.FromMinutes(7)));

        Assert.Equal(HttpStatusCode.Forbidden, again);
        Assert.Contains("has revoked revoked-token-agent (or this token)", refusal.ToString());
        Assert.Equal(HttpStatusCode.OK, fresh);
    }

    [Fact]
    public async Task RevokedSubject_EverySessionStops_AndNoNewOneIsIssuedUntilTheTimeGiven()
    {
        var first = await env.NewSessionAsync(subject: "rogue-agent", groups: ["agents"]);
        var second = await env.NewSessionAsync(subject: "rogue-agent", groups: ["agents"]);
        var bystander = await env.NewSessionAsync(subject: "other-agent", groups: ["agents"]);
        Assert.Equal(0, (await env.CliV2Async(first, "dynamodb", "list-tables")).ExitCode);

        var until = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var revoke = await env.AirlockAsync("sessions", "revoke", "--subject", "rogue-agent", "--until", until);

        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("2 active sessions ended", revoke.StdOut);
        foreach (var session in new[] { first, second })
        {
            var refused = await env.CliV2Async(session, "dynamodb", "list-tables");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("revoked", refused.All);
        }

        var (status, body) = await env.ExchangeAsync(env.Issuer.Mint(subject: "rogue-agent", groups: ["agents"]));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(until[..16], body.ToString());
        Assert.Equal(0, (await env.CliV2Async(bystander, "dynamodb", "list-tables")).ExitCode);
        Assert.Contains(await env.AuditAsync(), e => e.Principal == "rogue-agent" && e.Operation == "AssumeRoleWithWebIdentity" && e.Decision == "deny");
    }
}
