using System.Buffers;
using System.Text;

namespace Airlock.Masking;

/// <summary>
/// Runs the detectors over a text stream (an S3 object) as it passes, holding at most a window of it:
/// text is settled up to <see cref="Overlap"/> characters before the end of what has been read, so a match
/// that straddles two reads is still seen whole.
/// </summary>
internal static class TextScan
{
    /// <summary>The longest match the scan can see across reads (PEM private keys run to a few KiB).</summary>
    public const int Overlap = 16 * 1024;

    private const int ReadSize = 64 * 1024;

    public static async Task CopyAsync(Stream source, Stream destination, DetectorSet detectors, MaskReport report, CancellationToken cancellationToken)
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        var encoding = new UTF8Encoding(false);
        var bytes = ArrayPool<byte>.Shared.Rent(ReadSize);
        var chars = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(ReadSize));
        var pending = new StringBuilder();
        var hits = new List<string>();
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(bytes.AsMemory(0, ReadSize), cancellationToken);
                var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
                pending.Append(chars, 0, count);
                var done = read == 0;
                if (!done && pending.Length < Overlap * 2)
                {
                    continue;
                }

                var text = pending.ToString();
                var settled = detectors.MaskPrefix(text, null, done ? text.Length : text.Length - Overlap, hits, out var consumed);
                await destination.WriteAsync(encoding.GetBytes(settled), cancellationToken);
                pending.Clear().Append(text, consumed, text.Length - consumed);
                if (done)
                {
                    break;
                }
            }

            if (hits.Count > 0)
            {
                report.AddDetectors("", hits);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
