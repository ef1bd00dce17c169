using System.Text;
using Airlock.Audit.Chain;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>The writer hashes records it holds as UTF-8; the verifier hashes the text it reads back. Both must agree.</summary>
public sealed class ChainHashTests
{
    [Theory]
    [InlineData("{\"Id\":7,\"Principal\":\"alice\"}")]
    [InlineData("{\"Reason\":\"ünïcødé ✓ 𝄞\"}")]
    [InlineData("")]
    public void AUtf8Body_HashesAsItsText(string body)
    {
        var fromText = ChainHash.Compute(ChainHash.Genesis, 42, "call", "2026-11-29T12:00:00.0000000Z", body);
        var fromBytes = ChainHash.Compute(ChainHash.Genesis, 42, "call", "2026-11-29T12:00:00.0000000Z", Encoding.UTF8.GetBytes(body));
        Assert.Equal(fromText, fromBytes);
        Assert.Equal(64, fromBytes.Length);
    }

    [Fact]
    public void AHeadLongerThanTheStackBuffer_StillHashesAsItsText()
    {
        var kind = new string('k', 400);
        Assert.Equal(ChainHash.Compute("p", 1, kind, "t", "body"), ChainHash.Compute("p", 1, kind, "t", "body"u8));
    }

    [Fact]
    public void TheHash_IsSha256OfTheJoinedFields() =>
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("prev\n3\ncomplete\nt\n{}"))),
            ChainHash.Compute("prev", 3, "complete", "t", "{}"u8));
}
