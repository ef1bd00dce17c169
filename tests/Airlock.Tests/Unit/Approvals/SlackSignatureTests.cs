using System.Text;
using Airlock.Approvals;
using Xunit;

namespace Airlock.Tests.Unit.Approvals;

/// <summary>Slack's v0 request signature, pinned to the worked example in Slack's "Verifying requests from Slack".</summary>
public sealed class SlackSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("8f742231b10e8888abcd99yyyzzz85a5");
    private const string Timestamp = "1531420618";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA"
        + "&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
        + "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static readonly DateTimeOffset Then = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void SlacksExample_Verifies() =>
        Assert.Equal(SlackSignature.Check.Valid, SlackSignature.Verify(Secret, Timestamp, Signature, Body, Then.AddMinutes(1)));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void MoreThanFiveMinutesAway_IsStale(int seconds) =>
        Assert.Equal(SlackSignature.Check.Stale, SlackSignature.Verify(Secret, Timestamp, Signature, Body, Then.AddSeconds(-seconds)));

    [Theory]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504")]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD27519666489C69B50")]
    [InlineData("v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=lolno")]
    public void AnyOtherSignature_IsAMismatch(string signature) =>
        Assert.Equal(SlackSignature.Check.Mismatch, SlackSignature.Verify(Secret, Timestamp, signature, Body, Then));

    [Fact]
    public void OneByteChangedInTheBody_IsAMismatch()
    {
        var body = (byte[])Body.Clone();
        body[^1] ^= 1;
        Assert.Equal(SlackSignature.Check.Mismatch, SlackSignature.Verify(Secret, Timestamp, Signature, body, Then));
    }

    [Theory]
    [InlineData(null, Signature)]
    [InlineData(Timestamp, null)]
    [InlineData("", Signature)]
    [InlineData("-1531420618", Signature)]
    [InlineData("99999999999999999999", Signature)]
    public void MissingOrMalformedHeaders_AreRefused(string? timestamp, string? signature) =>
        Assert.NotEqual(SlackSignature.Check.Valid, SlackSignature.Verify(Secret, timestamp, signature, Body, Then));
}
