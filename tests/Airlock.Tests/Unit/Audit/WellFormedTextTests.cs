using Airlock.Audit;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

public sealed class WellFormedTextTests
{
    // Built in code: attribute arguments are stored as UTF-8 and cannot hold a lone surrogate.
    public static TheoryData<string, string> Texts => new()
    {
        { "plain text", "plain text" },
        { "pair \ud83d\ude00 kept", "pair \ud83d\ude00 kept" },
        { "lone high \ud800 end", "lone high \ufffd end" },
        { "lone low \udc00", "lone low \ufffd" },
        { "\ude00\ud83d", "\ufffd\ufffd" },
        { "high at the end \ud83d", "high at the end \ufffd" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void LoneSurrogatesBecomeTheReplacementCharacter_PairsStay(string text, string expected) =>
        Assert.Equal(expected, WellFormedText.Fix(text));

    [Fact]
    public void ARecordWithoutSurrogates_IsTheSameRecord()
    {
        var entry = new AuditEntry { RequestId = "R1", Time = DateTimeOffset.UtcNow, Decision = "allow", Parameters = new Dictionary<string, string> { ["k"] = "v" } };
        Assert.Same(entry, WellFormedText.Of(entry));
    }

    [Fact]
    public void ARecordWithOnlyPairedSurrogates_KeepsThem()
    {
        var entry = new AuditEntry { RequestId = "R1", Time = DateTimeOffset.UtcNow, Decision = "allow", Parameters = new Dictionary<string, string> { ["k"] = "v \ud83d\ude00" } };
        Assert.Equal("v \ud83d\ude00", WellFormedText.Of(entry).Parameters["k"]);
    }

    [Fact]
    public void EveryTextOfARecord_IsMadeWellFormed()
    {
        var entry = new AuditEntry
        {
            RequestId = "R1", Time = DateTimeOffset.UtcNow, Decision = "allow", Reason = "r\ud800",
            Parameters = new Dictionary<string, string> { ["k\udc00"] = "v\ud800" }, Headers = new Dictionary<string, string> { ["h"] = "\ud800" },
            Resources = ["arn\ud800"], UserAgent = "ua\ud800",
        };

        var fixedEntry = WellFormedText.Of(entry);

        Assert.Equal("r\ufffd", fixedEntry.Reason);
        Assert.Equal("v\ufffd", fixedEntry.Parameters["k\ufffd"]);
        Assert.Equal("\ufffd", fixedEntry.Headers["h"]);
        Assert.Equal(["arn\ufffd"], fixedEntry.Resources);
        Assert.Equal("ua\ufffd", fixedEntry.UserAgent);
    }
}
