using System.Text;
using Airlock.Primitives;
using Xunit;

namespace Airlock.Tests.Unit.Masking;

/// <summary>The recorded start of a body is kept as UTF-8 bytes; read back as text it must encode to the same bytes, or the chain's hash of it would not verify.</summary>
public sealed class RecordedBodyTests
{
    [Fact]
    public void ABodyWithinTheLimit_IsKeptWhole()
    {
        var body = Encoding.UTF8.GetBytes("{\"Name\":\"Søren ✓\"}");
        Assert.Equal(body, RecordedBody.Start(body, 1024));
    }

    [Theory]
    [InlineData("ab✓", 3, "ab")]   // ✓ is three bytes: a cut after its first byte drops it
    [InlineData("ab✓", 4, "ab")]   // ... and after its second
    [InlineData("ab✓", 5, "ab✓")]
    [InlineData("a𝄞", 4, "a")]     // a four-byte character cut after three
    [InlineData("abc", 2, "ab")]
    public void ACutBody_EndsOnACharacterBoundary(string text, int limit, string expected)
    {
        var kept = RecordedBody.Start(Encoding.UTF8.GetBytes(text), limit);
        Assert.Equal(expected, Encoding.UTF8.GetString(kept));
        Assert.Equal(kept, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kept)));
    }

    [Fact]
    public void BytesThatAreNotUtf8_AreKeptAsTheirDecodingReads()
    {
        byte[] body = [(byte)'o', (byte)'k', 0xFF, 0xFE, (byte)'!'];
        var kept = RecordedBody.Start(body, 1024);
        Assert.Equal("ok\uFFFD\uFFFD!", Encoding.UTF8.GetString(kept));
        Assert.Equal(kept, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kept)));
    }
}
