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

    // The writer's hashes of the bodies, set after a record is made well-formed, and always hex.
    private static readonly string[] NotCallersText = [nameof(AuditEntry.RequestBodySha256), nameof(AuditCompletion.ResponseSha256)];

    public static TheoryData<string> EntryTexts => new(TextProperties(typeof(AuditEntry)));

    public static TheoryData<string> CompletionTexts => new(TextProperties(typeof(AuditCompletion)));

    /// <summary>
    /// Every text a record holds is both looked at and fixed: <see cref="WellFormedText"/> names the fields twice (the
    /// check that allocates nothing, and the copy), and a field added to a record must be added to both.
    /// </summary>
    [Theory]
    [MemberData(nameof(EntryTexts))]
    public void EachTextOfAnEntry_IsMadeWellFormed(string property)
    {
        var entry = new AuditEntry { RequestId = "R1", Time = DateTimeOffset.UtcNow, Decision = "allow" };
        var info = typeof(AuditEntry).GetProperty(property)!;
        info.SetValue(entry, Lone(info.PropertyType));

        Assert.Equal(Fixed(info.PropertyType), TextsIn(info.GetValue(WellFormedText.Of(entry))));
    }

    [Theory]
    [MemberData(nameof(CompletionTexts))]
    public void EachTextOfACompletion_IsMadeWellFormed(string property)
    {
        var completion = new AuditCompletion(200, 1, null);
        var info = typeof(AuditCompletion).GetProperty(property)!;
        info.SetValue(completion, Lone(info.PropertyType));

        Assert.Equal(Fixed(info.PropertyType), TextsIn(info.GetValue(WellFormedText.Of(completion))));
    }

    private static IEnumerable<string> TextProperties(Type record) => record.GetProperties()
        .Where(p => p.CanWrite && !NotCallersText.Contains(p.Name) && (p.PropertyType == typeof(string) || p.PropertyType == typeof(IReadOnlyList<string>)
            || p.PropertyType == typeof(IReadOnlyDictionary<string, string>) || p.PropertyType == typeof(IReadOnlyDictionary<string, double>)))
        .Select(p => p.Name);

    private static object Lone(Type type) =>
        type == typeof(string) ? "a\ud800" :
        type == typeof(IReadOnlyList<string>) ? new[] { "a\ud800" } :
        type == typeof(IReadOnlyDictionary<string, string>) ? new Dictionary<string, string> { ["k\ud800"] = "v\ud800" } :
        new Dictionary<string, double> { ["k\ud800"] = 1 };

    private static string[] Fixed(Type type) =>
        type == typeof(string) || type == typeof(IReadOnlyList<string>) ? ["a\ufffd"] :
        type == typeof(IReadOnlyDictionary<string, string>) ? ["k\ufffd", "v\ufffd"] : ["k\ufffd"];

    /// <summary>The texts a property's value holds: itself, its items, or its keys (and text values).</summary>
    private static string[] TextsIn(object? value) => value switch
    {
        string text => [text],
        IReadOnlyDictionary<string, string> map => map.SelectMany(p => new[] { p.Key, p.Value }).ToArray(),
        IReadOnlyDictionary<string, double> map => map.Keys.ToArray(),
        IReadOnlyList<string> list => list.ToArray(),
        _ => [],
    };
}
