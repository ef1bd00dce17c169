using System.Security.Cryptography;
using System.Text;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;

namespace Airlock.Tests.Support;

/// <summary>Builds aws-chunked bodies the way the AWS SDKs frame them, for tests.</summary>
internal static class ChunkedBodies
{
    public static byte[] Build(byte[] payload, int chunkSize, ChunkSigner? signer, string? trailerName)
    {
        var wire = new MemoryStream();
        void Write(string text) => wire.Write(Encoding.ASCII.GetBytes(text));
        for (var offset = 0; ; offset += chunkSize)
        {
            var chunk = payload.AsSpan(Math.Min(offset, payload.Length), Math.Max(0, Math.Min(chunkSize, payload.Length - offset)));
            Write(signer is null ? $"{chunk.Length:x}\r\n" : $"{chunk.Length:x};chunk-signature={signer.NextChunk(chunk)}\r\n");
            if (chunk.Length == 0)
            {
                break;
            }

            wire.Write(chunk);
            Write("\r\n");
        }

        if (trailerName is not null)
        {
            var value = Checksum(payload, trailerName);
            Write($"{trailerName}:{value}\r\n");
            if (signer is not null)
            {
                Write($"x-amz-trailer-signature:{signer.Trailer($"{trailerName}:{value}\n")}\r\n");
            }
        }

        Write("\r\n");
        return wire.ToArray();
    }

    /// <summary>A checksum trailer value: sha256 is exact; crc32 is the IEEE CRC, computed here.</summary>
    public static string Checksum(byte[] payload, string trailerName) => trailerName switch
    {
        "x-amz-checksum-sha256" => Convert.ToBase64String(SHA256.HashData(payload)),
        "x-amz-checksum-crc32" => Convert.ToBase64String(BitConverter.GetBytes(Crc32(payload)).Reverse().ToArray()),
        _ => throw new ArgumentException(trailerName),
    };

    public static ChunkSigner Signer(string secret, string amzDate, string seed) =>
        new(SigV4Primitives.DeriveSigningKey(secret, amzDate[..8], "us-east-1", "s3"), amzDate, $"{amzDate[..8]}/us-east-1/s3/aws4_request", seed);

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
