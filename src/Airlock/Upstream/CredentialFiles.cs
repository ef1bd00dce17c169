using System.Collections.Concurrent;

namespace Airlock.Upstream;

/// <summary>
/// What the credential files hold, read again only when a file's size or modification time changes: a call costs
/// one <c>stat</c> per file instead of an open, a read and a close, and a rotated file still takes effect on the
/// next call.
/// </summary>
internal static class CredentialFiles
{
    // A file modified this recently when it was read is not kept: a second write within the same tick of the file
    // system's clock (coarse: a jiffy on Linux, up to 2 s elsewhere) would leave its size and time as they were.
    // Once a file is older than this, any later write gives it a later time (git's "racily clean" rule).
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(3);

    private static readonly ConcurrentDictionary<(string Path, string? Part), Kept> Cache = new();

    /// <summary>
    /// <paramref name="parse"/> of the file's text and <paramref name="part"/>, or null when there is no file.
    /// <paramref name="part"/> names what is taken from the file (one profile of several), null for the whole of it.
    /// </summary>
    public static T? Read<T>(string path, string? part, Func<string, string?, T?> parse)
        where T : class
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return null;
        }

        var stamp = (file.Length, file.LastWriteTimeUtc);
        if (Cache.TryGetValue((path, part), out var kept) && kept.Stamp == stamp)
        {
            return (T?)kept.Value;
        }

        // Read after the stat: the text is at least as new as the stamp, so a write in between only costs a read.
        var value = parse(File.ReadAllText(path), part);
        // A kept entry never has a recent stamp, so one that is not kept cannot be mistaken for it.
        if (DateTime.UtcNow - stamp.LastWriteTimeUtc > Settled)
        {
            Cache[(path, part)] = new Kept(stamp, value);
        }

        return value;
    }

    private sealed record Kept((long Length, DateTime LastWriteTimeUtc) Stamp, object? Value);
}
