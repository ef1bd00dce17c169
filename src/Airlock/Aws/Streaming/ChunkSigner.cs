using System.Security.Cryptography;
using System.Text;
using Airlock.Aws.SigV4;

namespace Airlock.Aws.Streaming;

/// <summary>
/// The signature chain of an aws-chunked body: each chunk's signature covers the previous one,
/// starting from the request's own signature (the seed). Used to verify a caller's chunks and to
/// sign the chunks Airlock sends upstream.
/// </summary>
internal sealed class ChunkSigner(byte[] signingKey, string amzDate, string scope, string seedSignature)
{
    public string Previous { get; private set; } = seedSignature;

    /// <summary>Signs the next chunk (an empty one ends the body) and advances the chain.</summary>
    public string NextChunk(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        Previous = Sign($"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{Previous}\n{SigV4Primitives.EmptyPayloadHash}\n{Convert.ToHexStringLower(hash)}");
        return Previous;
    }

    /// <summary>Signs the trailing headers, given as their canonical <c>name:value\n</c> lines.</summary>
    public string Trailer(string canonicalTrailers) =>
        Sign($"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{Previous}\n{SigV4Primitives.Sha256Hex(canonicalTrailers)}");

    private string Sign(string stringToSign) => Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
}
