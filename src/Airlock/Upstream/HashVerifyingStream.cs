using System.Security.Cryptography;

namespace Airlock.Upstream;

/// <summary>
/// Passes a streamed body through while hashing it, and fails the read that completes the body when the bytes do
/// not match the SHA-256 the caller signed. With a declared length that is the read of the last bytes, which are then
/// never passed on: the upstream request is aborted short of its length, so an upstream that does not check the
/// payload's hash itself (S3 does) never has a whole altered body to store.
/// </summary>
internal sealed class HashVerifyingStream(Stream inner, string expectedHex, long? length) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _done;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _hash.AppendData(buffer.Span[..read]);
        _read += read;
        if (read == 0 || _read >= length)
        {
            Verify();
        }

        return read;
    }

    private void Verify()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (!string.Equals(actual, expectedHex, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException("The request body does not match its signed x-amz-content-sha256.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
