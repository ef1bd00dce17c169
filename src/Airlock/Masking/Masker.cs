using System.Security.Cryptography;
using System.Text;

namespace Airlock.Masking;

/// <summary>Turns a value into its mask, in one of the three styles.</summary>
internal sealed class Masker(byte[] hashKey)
{
    public const string FullMask = "****";

    /// <summary>The mask of a whole field (model members, configured rules).</summary>
    public string Mask(string value, MaskStyle style) => style switch
    {
        MaskStyle.Partial when value.Length >= 12 => FullMask + value[^4..],
        MaskStyle.Hash => "masked:sha256:" + Token(value),
        _ => FullMask,
    };

    /// <summary>The mask of a detector's match inside text: it names the detector (<c>[email:****]</c>).</summary>
    public string Mask(string value, MaskStyle style, string detector) => $"[{detector}:{Mask(value, style)}]";

    private string Token(string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(hashKey, Encoding.UTF8.GetBytes(value), mac);
        return Convert.ToHexStringLower(mac[..12]);
    }

    /// <summary>The installation's hash key, created (owner-readable only) on first use.</summary>
    public static Masker FromKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var file = new FileStream(path, create);
                file.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node or process made it first: use theirs.
            }
        }

        var key = File.ReadAllBytes(path);
        if (key.Length < 16)
        {
            throw new InvalidOperationException($"The masking key file {path} holds {key.Length} bytes; it needs at least 16.");
        }

        return new Masker(key);
    }
}
