using System.Security.Cryptography;
using System.Text;

namespace Airlock.Storage;

/// <summary>
/// Seals the secrets a store keeps (a session's secret key) with AES-256-GCM, each bound to the row it belongs to, so
/// that a copy of the store alone lets nobody sign as a session. Sealed with the current key; opened with the key the
/// value names, so that keys can be rotated: the old one listed as previous still opens what it sealed. A value that
/// is not sealed (written by an older Airlock) is read as it is.
/// </summary>
internal sealed class SecretSeal
{
    private const string Prefix = "sealed:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly (string Id, byte[] Key) _current;
    private readonly Dictionary<string, byte[]> _keys;

    /// <param name="current">The key new values are sealed with (32 bytes).</param>
    /// <param name="previous">Keys that only open values sealed before a rotation.</param>
    public SecretSeal(byte[] current, IEnumerable<byte[]> previous)
    {
        _current = (IdOf(current), current);
        _keys = previous.Append(current).ToDictionary(IdOf, k => k, StringComparer.Ordinal);
    }

    /// <summary>The key's id as sealed values name it: not secret, and says which key a value needs.</summary>
    public static string IdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..12];

    public string Seal(string secret, string boundTo)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(boundTo));
        return $"{Prefix}{_current.Id}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <exception cref="CryptographicException">The value was sealed with a key this node does not have, or for another row, or altered.</exception>
    public string Open(string stored, string boundTo)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        var id = colon < 0 ? "" : rest[..colon].ToString();
        if (!_keys.TryGetValue(id, out var key))
        {
            throw new CryptographicException($"A stored secret is sealed with key {id}, which this node does not have (store.secretKeyFile, store.previousSecretKeyFiles).");
        }

        var sealedBytes = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        var length = sealedBytes.Length - NonceSize - TagSize;
        if (length < 0)
        {
            throw new CryptographicException("A stored secret is cut short.");
        }

        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plaintext, Encoding.UTF8.GetBytes(boundTo));
        return Encoding.UTF8.GetString(plaintext);
    }
}
