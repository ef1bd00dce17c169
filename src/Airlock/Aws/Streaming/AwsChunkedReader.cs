using System.Buffers;
using System.Globalization;
using System.Text;
using Airlock.Aws.SigV4;
using Airlock.Primitives;

namespace Airlock.Aws.Streaming;

/// <summary>
/// Decodes a caller's aws-chunked body one chunk at a time, checking every chunk signature (and the
/// trailer signature) against the caller's session secret before a byte of the chunk is released.
/// Holds one chunk in memory at most; never the whole body.
/// </summary>
internal sealed class AwsChunkedReader : IDisposable
{
    private const int MaxLine = 4096;
    private readonly Stream _input;
    private readonly ChunkSigner? _verifier;
    private readonly bool _expectTrailer;
    private readonly long _decodedLength;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;
    private int _end;
    private long _decoded;
    private bool _finished;

    /// <param name="verifier">The caller's signature chain, or null for STREAMING-UNSIGNED-PAYLOAD-TRAILER.</param>
    public AwsChunkedReader(Stream input, ChunkSigner? verifier, bool expectTrailer, long decodedLength)
    {
        _input = input;
        _verifier = verifier;
        _expectTrailer = expectTrailer;
        _decodedLength = decodedLength;
    }

    /// <summary>The trailing headers (lower-case names), once the last chunk has been read.</summary>
    public List<KeyValuePair<string, string>> Trailers { get; } = [];

    /// <summary>The next chunk's data, valid until the next call; empty once the body has ended.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var header = await ReadLineAsync(cancellationToken);
        var semicolon = header.IndexOf(';');
        var sizeText = semicolon < 0 ? header : header[..semicolon];
        if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || sizeText.Length > 8)
        {
            throw new AwsChunkedException($"The aws-chunked body has a malformed chunk header '{Quoted.Short(header)}'.");
        }

        if (size > StreamingPayload.MaxChunkSize)
        {
            throw new AwsChunkedException($"An aws-chunked chunk of {size} bytes is larger than Airlock's limit of {StreamingPayload.MaxChunkSize}.");
        }

        string? signature = null;
        if (semicolon >= 0)
        {
            const string Prefix = "chunk-signature=";
            var extension = header[(semicolon + 1)..];
            if (!extension.StartsWith(Prefix, StringComparison.Ordinal))
            {
                throw new AwsChunkedException("The aws-chunked body has an unknown chunk extension.");
            }

            signature = extension[Prefix.Length..];
        }

        if ((_verifier is null) != (signature is null))
        {
            throw new AwsChunkedException(_verifier is null ? "An unsigned aws-chunked body carries chunk signatures." : "An aws-chunked chunk has no signature.", signatureMismatch: _verifier is not null);
        }

        if (size > _chunk.Length)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = ArrayPool<byte>.Shared.Rent(size);
        }

        var data = _chunk.AsMemory(0, size);
        await ReadExactAsync(data, cancellationToken);
        if (_verifier is not null && !SigV4Primitives.SignaturesEqual(_verifier.NextChunk(data.Span), signature!))
        {
            throw new AwsChunkedException("An aws-chunked chunk signature does not match.", signatureMismatch: true);
        }

        if (size > 0)
        {
            if (await ReadLineAsync(cancellationToken) != "")
            {
                throw new AwsChunkedException("An aws-chunked chunk is longer than its header says.");
            }

            _decoded += size;
            if (_decoded > _decodedLength)
            {
                throw new AwsChunkedException("The aws-chunked body is longer than its x-amz-decoded-content-length.");
            }

            return data;
        }

        await ReadTrailersAsync(cancellationToken);
        if (_decoded != _decodedLength)
        {
            throw new AwsChunkedException("The aws-chunked body is shorter than its x-amz-decoded-content-length.");
        }

        // Read to the body's end: bytes after the final chunk are refused, never left on the connection for the next request.
        if (_end > _start || await FillAsync(cancellationToken))
        {
            throw new AwsChunkedException("The aws-chunked body has data after its final chunk.");
        }

        _finished = true;
        return ReadOnlyMemory<byte>.Empty;
    }

    private async Task ReadTrailersAsync(CancellationToken cancellationToken)
    {
        string? trailerSignature = null;
        var canonical = new StringBuilder();
        string line;
        // Some clients end the body after the last trailer line without the closing empty line.
        while ((line = await ReadLineAsync(cancellationToken, endOfBodyIsEmptyLine: true)).Length > 0)
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new AwsChunkedException("The aws-chunked body has a malformed trailer.");
            }

            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (name == "x-amz-trailer-signature")
            {
                trailerSignature = value;
            }
            else
            {
                Trailers.Add(new(name, value));
                canonical.Append(name).Append(':').Append(value).Append('\n');
            }
        }

        if (!_expectTrailer && Trailers.Count > 0)
        {
            throw new AwsChunkedException("The aws-chunked body has trailers its headers did not announce.");
        }

        if (_expectTrailer && Trailers.Count == 0)
        {
            throw new AwsChunkedException("The aws-chunked body is missing its announced trailer.");
        }

        if (_verifier is not null && _expectTrailer
            && (trailerSignature is null || !SigV4Primitives.SignaturesEqual(_verifier.Trailer(canonical.ToString()), trailerSignature)))
        {
            throw new AwsChunkedException("The aws-chunked trailer signature does not match.", signatureMismatch: true);
        }
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken, bool endOfBodyIsEmptyLine = false)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var crlf = span.IndexOf("\r\n"u8);
            if (crlf >= 0)
            {
                var line = Encoding.ASCII.GetString(span[..crlf]);
                _start += crlf + 2;
                return line;
            }

            if (_end - _start > MaxLine)
            {
                throw new AwsChunkedException("The aws-chunked body has a line that is too long.");
            }

            if (!await FillAsync(cancellationToken))
            {
                if (endOfBodyIsEmptyLine && _end == _start)
                {
                    return "";
                }

                throw new AwsChunkedException("The aws-chunked body ended early (truncated).");
            }
        }
    }

    private async ValueTask ReadExactAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsMemory(_start, buffered).CopyTo(destination);
        _start += buffered;
        var filled = buffered;
        while (filled < destination.Length)
        {
            var read = await _input.ReadAsync(destination[filled..], cancellationToken);
            if (read == 0)
            {
                throw new AwsChunkedException("The aws-chunked body ended early (truncated).");
            }

            filled += read;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _input.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_chunk);
    }
}
