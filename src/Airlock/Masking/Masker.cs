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
        var key = Storage.KeyFile.ReadOrCreate(path, 32);
        return key.Length >= 16
            ? new Masker(key)
            : throw new InvalidOperationException($"The masking key file {path} holds {key.Length} bytes; it needs at least 16.");
    }
}
