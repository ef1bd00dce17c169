using System.Buffers;
using System.Text;

namespace Airlock.Upstream;

/// <summary>Streams a response on while keeping its first bytes for the audit record.</summary>
internal sealed class RecordingCopy(int limit)
{
    private readonly byte[] _kept = new byte[limit];
    private int _count;

    public string Text => Encoding.UTF8.GetString(_kept, 0, _count);

    public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (_count < _kept.Length)
                {
                    var take = Math.Min(read, _kept.Length - _count);
                    buffer.AsSpan(0, take).CopyTo(_kept.AsSpan(_count));
                    _count += take;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
