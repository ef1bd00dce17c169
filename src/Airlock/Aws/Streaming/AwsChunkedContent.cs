using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace Airlock.Aws.Streaming;

/// <summary>
/// The upstream body of a chunked upload: the caller's verified bytes, re-framed as
/// STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) in fixed 64 KiB chunks signed with the upstream
/// credential. Fixed chunks make the length known in advance, which S3 requires.
/// </summary>
internal sealed class AwsChunkedContent : HttpContent
{
    public const int ChunkSize = 64 * 1024;
    private readonly AwsChunkedReader _source;
    private readonly long _decodedLength;
    private readonly string? _trailerName;
    private ChunkSigner? _signer;

    public AwsChunkedContent(AwsChunkedReader source, long decodedLength, string? trailerName)
    {
        _source = source;
        _decodedLength = decodedLength;
        _trailerName = trailerName?.ToLowerInvariant();
    }

    /// <summary>The chain starts at the upstream request's signature, known only once the headers are signed.</summary>
    public void StartChain(ChunkSigner signer) => _signer = signer;

    public static long EncodedLength(long decodedLength, string? trailerName)
    {
        static long Framed(long size) => size.ToString("x", CultureInfo.InvariantCulture).Length + ";chunk-signature=".Length + 64 + 2 + size + 2;
        var full = decodedLength / ChunkSize;
        var rest = decodedLength % ChunkSize;
        var length = full * Framed(ChunkSize) + (rest > 0 ? Framed(rest) : 0) + Framed(0) - 2;
        if (trailerName is not null)
        {
            length += trailerName.Length + 1 + StreamingPayload.TrailerValueLength(trailerName)!.Value + 2
                + "x-amz-trailer-signature:".Length + 64 + 2;
        }

        return length + 2;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var signer = _signer ?? throw new InvalidOperationException("The upstream chunk chain was not started.");
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var filled = 0;
            ReadOnlyMemory<byte> data;
            while (!(data = await _source.NextAsync(cancellationToken)).IsEmpty)
            {
                while (!data.IsEmpty)
                {
                    var take = Math.Min(ChunkSize - filled, data.Length);
                    data[..take].CopyTo(buffer.AsMemory(filled));
                    filled += take;
                    data = data[take..];
                    if (filled == ChunkSize)
                    {
                        await WriteChunkAsync(stream, signer, buffer.AsMemory(0, filled), cancellationToken);
                        filled = 0;
                    }
                }
            }

            if (filled > 0)
            {
                await WriteChunkAsync(stream, signer, buffer.AsMemory(0, filled), cancellationToken);
            }

            await WriteChunkAsync(stream, signer, ReadOnlyMemory<byte>.Empty, cancellationToken);
            await WriteTrailerAsync(stream, signer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteTrailerAsync(Stream stream, ChunkSigner signer, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (_trailerName is not null)
        {
            var value = _source.Trailers.FirstOrDefault(t => t.Key == _trailerName).Value;
            if (value is null || value.Length != StreamingPayload.TrailerValueLength(_trailerName))
            {
                throw new AwsChunkedException($"The aws-chunked trailer {_trailerName} is missing or malformed.");
            }

            var canonical = $"{_trailerName}:{value}\n";
            text.Append(_trailerName).Append(':').Append(value).Append("\r\n")
                .Append("x-amz-trailer-signature:").Append(signer.Trailer(canonical)).Append("\r\n");
        }

        text.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), cancellationToken);
    }

    private static async Task WriteChunkAsync(Stream stream, ChunkSigner signer, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var header = $"{data.Length.ToString("x", CultureInfo.InvariantCulture)};chunk-signature={signer.NextChunk(data.Span)}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), cancellationToken);
        if (!data.IsEmpty)
        {
            await stream.WriteAsync(data, cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = EncodedLength(_decodedLength, _trailerName);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
