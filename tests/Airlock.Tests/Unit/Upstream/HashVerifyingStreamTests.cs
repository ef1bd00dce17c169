using System.Security.Cryptography;
using Airlock.Upstream;
using Xunit;

namespace Airlock.Tests.Unit.Upstream;

public sealed class HashVerifyingStreamTests
{
    private static readonly byte[] Body = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
    private static readonly string BodyHash = Convert.ToHexStringLower(SHA256.HashData(Body));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheSignedBody_PassesWhole(bool lengthDeclared)
    {
        await using var stream = new HashVerifyingStream(new MemoryStream(Body), BodyHash.ToUpperInvariant(), lengthDeclared ? Body.Length : null);
        var copy = new MemoryStream();

        await stream.CopyToAsync(copy, 1024);

        Assert.Equal(Body, copy.ToArray());
    }

    [Fact]
    public async Task AnAlteredBody_OfDeclaredLength_NeverPassesItsLastBytes()
    {
        var altered = (byte[])Body.Clone();
        altered[0] ^= 1;
        await using var stream = new HashVerifyingStream(new MemoryStream(altered), BodyHash, Body.Length);
        var passed = new MemoryStream();
        var buffer = new byte[1024];

        await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                passed.Write(buffer, 0, read);
            }
        });

        // Everything but the read that would have completed the body: the upstream request is left short of its length.
        Assert.Equal(Body.Length / 1024 * 1024, passed.Length);
    }

    [Fact]
    public async Task AnAlteredBody_OfNoDeclaredLength_FailsItsEnd()
    {
        var altered = (byte[])Body.Clone();
        altered[^1] ^= 1;
        await using var stream = new HashVerifyingStream(new MemoryStream(altered), BodyHash, null);

        await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null, 1024));
    }
}
