using System.Security.Cryptography;

namespace Airlock.Audit;

/// <summary>
/// Request ids: 20 upper-case hex digits (80 random bits), as unguessable as a GUID's. Every call needs one, so the
/// random bytes are drawn a block at a time per thread instead of one system call per id.
/// </summary>
internal static class RequestIds
{
    private const int IdBytes = 10;
    private const int BlockIds = 64;

    [ThreadStatic] private static byte[]? _block;
    [ThreadStatic] private static int _used;

    public static string Next()
    {
        if (_block is null || _used == _block.Length)
        {
            _block ??= new byte[IdBytes * BlockIds];
            RandomNumberGenerator.Fill(_block);
            _used = 0;
        }

        var id = Convert.ToHexString(_block, _used, IdBytes);
        _used += IdBytes;
        return id;
    }
}
