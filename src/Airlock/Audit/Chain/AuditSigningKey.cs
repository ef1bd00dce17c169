using System.Security.Cryptography;

namespace Airlock.Audit.Chain;

/// <summary>
/// The gateway's Ed25519 key for audit checkpoints: a 32-byte private key in a file readable by its owner only,
/// created on first start. The public key (<c>airlock audit public-key</c>) is what verifiers need.
/// </summary>
internal sealed class AuditSigningKey
{
    private readonly byte[] _privateKey;

    private AuditSigningKey(byte[] privateKey)
    {
        _privateKey = privateKey;
        PublicKey = Ed25519.PublicKeyOf(privateKey);
        KeyId = KeyIdOf(PublicKey);
    }

    public byte[] PublicKey { get; }

    /// <summary>A short name for the key, recorded with each checkpoint.</summary>
    public string KeyId { get; }

    public static string KeyIdOf(byte[] publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];

    public Checkpoint Sign(long seq, string hash, string time) =>
        new(seq, hash, time, KeyId, Convert.ToBase64String(Ed25519.Sign(_privateKey, Checkpoint.Message(seq, hash, time))));

    public static AuditSigningKey LoadOrCreate(string path)
    {
        var key = Storage.KeyFile.ReadOrCreate(path, Ed25519.KeySize);
        return key.Length == Ed25519.KeySize
            ? new AuditSigningKey(key)
            : throw new InvalidOperationException($"The audit signing key {path} holds {key.Length} bytes; an Ed25519 private key is {Ed25519.KeySize}.");
    }

    /// <summary>The public key as one line of text: <c>ed25519:BASE64</c>.</summary>
    public static string Format(byte[] publicKey) => "ed25519:" + Convert.ToBase64String(publicKey);

    public static byte[] Parse(string text)
    {
        var value = text.Trim();
        value = value.StartsWith("ed25519:", StringComparison.Ordinal) ? value["ed25519:".Length..] : value;
        var key = Convert.FromBase64String(value);
        return key.Length == Ed25519.KeySize ? key : throw new FormatException("An Ed25519 public key is 32 bytes.");
    }
}
