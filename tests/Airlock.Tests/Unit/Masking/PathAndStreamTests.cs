using System.Text;
using Airlock.Masking;
using Airlock.Masking.Detectors;

using Xunit;

namespace Airlock.Tests.Unit.Masking;

public sealed class PathAndStreamTests
{
    [Theory]
    [InlineData("$.Item.ssn.S", "Item|ssn|S", true)]
    [InlineData("$.Items[*].card.S", "Items|*|card|S", true)]
    [InlineData("$.Items[3]['odd name']", "Items|*|odd name", true)]
    [InlineData("$..password", "**|password", true)]
    [InlineData("GetUserResult/User/UserName", "GetUserResult|User|UserName", false)]
    [InlineData("/**/Password", "**|Password", false)]
    public void ParsesPaths(string path, string segments, bool json)
    {
        var parsed = FieldPath.Parse(path);
        Assert.Equal(segments, string.Join('|', parsed.Segments));
        Assert.Equal(json, parsed.IsJson);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$")]
    [InlineData("$.a[")]
    [InlineData("$.a[?(@.x)]")]
    [InlineData("$.a..")]
    [InlineData("a//b")]
    public void RefusesBadPaths(string path) => Assert.Throws<FormatException>(() => FieldPath.Parse(path));

    [Fact]
    public void TrieWalksNamesStarsAndAnyDepth()
    {
        var trie = new PathTrie<string>();
        trie.Add(["a", "b"], "ab");
        trie.Add(["a", "*", "c"], "a*c");
        trie.Add(["**", "p"], "deep");
        Assert.Equal("ab", trie.Root.Step("a").Step("b").Value);
        Assert.Equal("a*c", trie.Root.Step("a").Step(null).Step("c").Value);
        Assert.Equal("deep", trie.Root.Step("x").Step("y").Step("p").Value);
        Assert.Equal("deep", trie.Root.Step("p").Value);
        Assert.Null(trie.Root.Step("a").Step("x").Value);
        Assert.True(new PathTrie<string>().Root.Step("a").IsEmpty);
    }

    [Fact]
    public void Crc32MatchesTheCheckValue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public async Task TextScanFindsMatchesAcrossReadsInBoundedWindows()
    {
        // Matches every ~5 KB over 1 MB, with reads of 7 bytes so that matches straddle reads.
        var text = new StringBuilder();
        var line = 0;
        while (text.Length < 1024 * 1024)
        {
            text.Append(line++ % 50 == 0 ? "contact: alice@example.com, card 4111-1111-1111-1111\n" : "nothing sensitive on this line at all, just text ü\n");
        }

        var detectors = new DetectorSet(BuiltInDetectors.All.Select(d => (d, MaskStyle.Full)).ToArray(), new Masker(new byte[32]));
        var output = new MemoryStream();
        var report = new MaskReport();
        await TextScan.CopyAsync(new TrickleStream(Encoding.UTF8.GetBytes(text.ToString()), 7000), output, detectors, report, CancellationToken.None);
        var expected = text.ToString().Replace("alice@example.com", "[email:****]").Replace("4111-1111-1111-1111", "[credit-card:****]");
        Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(["(body) by detector:email,detector:credit-card"], report.Fields);
    }

    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, step)], cancellationToken);
    }
}
