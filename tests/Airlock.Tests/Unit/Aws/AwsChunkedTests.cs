using System.Security.Cryptography;
using Airlock.Aws.Streaming;
using Airlock.Tests.Support;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

public sealed class AwsChunkedTests
{
    private const string Secret = "caller-secret";
    private const string AmzDate = "20261122T010203Z";
    private static readonly string Seed = new('a', 64);

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, "x-amz-checksum-crc32")]
    [InlineData(false, "x-amz-checksum-sha256")]
    public async Task Reader_ValidBody_YieldsThePayloadAndTrailer(bool signed, string? trailer)
    {
        var payload = RandomNumberGenerator.GetBytes(200_000);
        var body = ChunkedBodies.Build(payload, 65536, signed ? ChunkedBodies.Signer(Secret, AmzDate, Seed) : null, trailer);

        var (decoded, reader) = await ReadAllAsync(body, signed, trailer, payload.Length);

        Assert.Equal(payload, decoded);
        if (trailer is not null)
        {
            Assert.Equal(ChunkedBodies.Checksum(payload, trailer), Assert.Single(reader.Trailers).Value);
        }
    }

    public static TheoryData<string> Corruptions => new() { "truncated", "bad-chunk-signature", "bad-trailer-signature", "short", "long", "bad-header", "missing-trailer", "data-after-end" };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Reader_CorruptBody_IsRefusedWithAClearReason(string corruption)
    {
        var payload = RandomNumberGenerator.GetBytes(100_000);
        var trailer = corruption == "missing-trailer" ? null : "x-amz-checksum-crc32";
        var body = ChunkedBodies.Build(payload, 65536, ChunkedBodies.Signer(Secret, AmzDate, Seed), trailer);
        var declared = payload.Length;
        switch (corruption)
        {
            case "truncated": body = body[..(body.Length / 2)]; break;
            case "bad-chunk-signature": body[70_000] ^= 1; break;
            case "bad-trailer-signature": body[^5] = (byte)(body[^5] == (byte)'0' ? '1' : '0'); break;
            case "short": declared += 1; break;
            case "long": declared -= 1; break;
            case "bad-header": body[0] = (byte)'z'; break;
            case "data-after-end": body = [.. body, .. "GET / HTTP/1.1\r\n\r\n"u8]; break;
        }

        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(body, signed: true, corruption == "missing-trailer" ? "x-amz-checksum-crc32" : trailer, declared));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(corruption is "bad-chunk-signature" or "bad-trailer-signature", error.SignatureMismatch);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "x-amz-checksum-crc32")]
    [InlineData(65536, null)]
    [InlineData(65537, "x-amz-checksum-sha256")]
    [InlineData(300_001, "x-amz-checksum-crc32")]
    public async Task Content_ReframesVerifiably_AndItsLengthIsExact(int size, string? trailer)
    {
        var payload = RandomNumberGenerator.GetBytes(size);
        var callerBody = ChunkedBodies.Build(payload, 8192, signer: null, trailer);
        var upstreamSeed = new string('b', 64);
        using var content = new AwsChunkedContent(new AwsChunkedReader(new MemoryStream(callerBody), null, trailer is not null, size), size, trailer);
        content.StartChain(ChunkedBodies.Signer("upstream-secret", AmzDate, upstreamSeed));

        var upstreamBody = await content.ReadAsByteArrayAsync();

        Assert.Equal(AwsChunkedContent.EncodedLength(size, trailer), upstreamBody.Length);
        var verifier = ChunkedBodies.Signer("upstream-secret", AmzDate, upstreamSeed);
        using var check = new AwsChunkedReader(new MemoryStream(upstreamBody), verifier, trailer is not null, size);
        var decoded = new MemoryStream();
        ReadOnlyMemory<byte> chunk;
        while (!(chunk = await check.NextAsync(CancellationToken.None)).IsEmpty)
        {
            decoded.Write(chunk.Span);
        }

        Assert.Equal(payload, decoded.ToArray());
    }

    private static async Task<(byte[] Decoded, AwsChunkedReader Reader)> ReadAllAsync(byte[] body, bool signed, string? trailer, long declared)
    {
        var reader = new AwsChunkedReader(new MemoryStream(body), signed ? ChunkedBodies.Signer(Secret, AmzDate, Seed) : null, trailer is not null, declared);
        var decoded = new MemoryStream();
        ReadOnlyMemory<byte> chunk;
        while (!(chunk = await reader.NextAsync(CancellationToken.None)).IsEmpty)
        {
            decoded.Write(chunk.Span);
        }

        return (decoded.ToArray(), reader);
    }
}
