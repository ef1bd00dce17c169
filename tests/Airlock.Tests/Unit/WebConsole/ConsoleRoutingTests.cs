using Airlock.WebConsole;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.WebConsole;

/// <summary>Which requests the console answers: never a signed AWS call, never a path that only starts like it.</summary>
public sealed class ConsoleRoutingTests
{
    private static readonly ConsoleOptions OnApiPort = new() { Issuer = "https://login.example.com" };
    private static readonly ConsoleOptions OwnPort = new() { Issuer = "https://login.example.com", Listen = "https://0.0.0.0:8443" };

    private static DefaultHttpContext Request(string path, string query = "", string? authorization = null, int port = 8080)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        http.Connection.LocalPort = port;
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        return http;
    }

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/approvals")]
    [InlineData("/console/static/console.js")]
    public void AnUnsignedRequestUnderConsole_IsTheConsoles(string path) =>
        Assert.True(ConsoleEndpoints.IsConsoleRequest(Request(path), OnApiPort));

    [Theory]
    [InlineData("/console", "", "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")]
    [InlineData("/console/key.txt", "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00", null)]
    [InlineData("/console/key.txt", "?X-Amz-Signature=00", null)]
    [InlineData("/consoles", "", null)]
    [InlineData("/console-logs/key", "", null)]
    [InlineData("/bucket/console", "", null)]
    public void SignedCalls_AndOtherPaths_AreNot(string path, string query, string? authorization) =>
        Assert.False(ConsoleEndpoints.IsConsoleRequest(Request(path, query, authorization), OnApiPort));

    [Fact]
    public void WithAListenerOfItsOwn_EverythingOnThatPortIsTheConsoles_AndNothingElse()
    {
        Assert.True(ConsoleEndpoints.IsConsoleRequest(Request("/anything", port: 8443), OwnPort));
        Assert.False(ConsoleEndpoints.IsConsoleRequest(Request("/console/approvals", port: 8080), OwnPort));
    }

    [Fact]
    public void ASession_EndsAtTheAbsoluteTimeout_HoweverBusy()
    {
        var login = DateTimeOffset.Parse("2026-12-01T08:00:00Z");
        var user = new ConsoleUser("alice", ["sre"], new HashSet<string> { ConsoleUser.Approver }, login);
        var options = new ConsoleOptions { AbsoluteHours = 8 };

        Assert.False(user.Outlived(login.AddHours(8).AddSeconds(-1), options));
        Assert.True(user.Outlived(login.AddHours(8), options));
        // What the cookie carries comes back as it went in.
        var back = ConsoleUser.From(user.ToPrincipal(ConsoleServices.CookieScheme))!;
        Assert.Equal(("alice", login), (back.Subject, back.LoggedInAt));
        Assert.Equal(["sre"], back.Groups);
        Assert.True(back.MayDecide);
        Assert.False(back.MayAudit);
    }

    [Fact]
    public void Roles_ComeFromGroups_AsConfigured()
    {
        var roles = new ConsoleRoles { Approvers = ["sre"], Auditors = ["audit"], Admins = ["sec"] };

        Assert.Equal([ConsoleUser.Approver], ConsoleUser.RolesOf(["sre", "dev"], roles));
        Assert.Equal([ConsoleUser.Admin, ConsoleUser.Auditor], ConsoleUser.RolesOf(["audit", "sec"], roles).Order());
        Assert.Empty(ConsoleUser.RolesOf(["dev"], roles));
    }
}
