using System.Runtime.InteropServices;

namespace Airlock.Audit.Chain;

/// <summary>
/// Ed25519 (RFC 8032) signatures from the system's OpenSSL 3 (<c>libcrypto.so.3</c>, which .NET on Linux already
/// uses): the .NET base library has no Ed25519, and OpenSSL's is constant-time and maintained.
/// </summary>
internal static partial class Ed25519
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int EvpPkeyEd25519 = 1087; // NID_ED25519

    public const int KeySize = 32;
    public const int SignatureSize = 64;

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        var key = PrivateKey(privateKey);
        try
        {
            var length = (nuint)KeySize;
            var publicKey = new byte[KeySize];
            Check(EVP_PKEY_get_raw_public_key(key, publicKey, ref length) == 1 && length == KeySize, "EVP_PKEY_get_raw_public_key");
            return publicKey;
        }
        finally
        {
            EVP_PKEY_free(key);
        }
    }

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        var key = PrivateKey(privateKey);
        var context = EVP_MD_CTX_new();
        try
        {
            Check(context != 0 && EVP_DigestSignInit(context, 0, 0, 0, key) == 1, "EVP_DigestSignInit");
            var signature = new byte[SignatureSize];
            var length = (nuint)SignatureSize;
            Check(EVP_DigestSign(context, signature, ref length, message, (nuint)message.Length) == 1 && length == SignatureSize, "EVP_DigestSign");
            return signature;
        }
        finally
        {
            EVP_MD_CTX_free(context);
            EVP_PKEY_free(key);
        }
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        var key = EVP_PKEY_new_raw_public_key(EvpPkeyEd25519, 0, publicKey, KeySize);
        Check(key != 0, "EVP_PKEY_new_raw_public_key");
        var context = EVP_MD_CTX_new();
        try
        {
            Check(context != 0 && EVP_DigestVerifyInit(context, 0, 0, 0, key) == 1, "EVP_DigestVerifyInit");
            return EVP_DigestVerify(context, signature, SignatureSize, message, (nuint)message.Length) == 1;
        }
        finally
        {
            EVP_MD_CTX_free(context);
            EVP_PKEY_free(key);
        }
    }

    private static nint PrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize)
        {
            throw new ArgumentException($"An Ed25519 private key is {KeySize} bytes.", nameof(privateKey));
        }

        var key = EVP_PKEY_new_raw_private_key(EvpPkeyEd25519, 0, privateKey, KeySize);
        Check(key != 0, "EVP_PKEY_new_raw_private_key");
        return key;
    }

    private static void Check(bool ok, string call)
    {
        if (!ok)
        {
            throw new System.Security.Cryptography.CryptographicException($"OpenSSL {call} failed.");
        }
    }

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_PKEY_new_raw_private_key(int type, nint engine, ReadOnlySpan<byte> key, nuint length);

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_PKEY_new_raw_public_key(int type, nint engine, ReadOnlySpan<byte> key, nuint length);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_get_raw_public_key(nint key, Span<byte> publicKey, ref nuint length);

    [LibraryImport(LibCrypto)]
    private static partial void EVP_PKEY_free(nint key);

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_MD_CTX_new();

    [LibraryImport(LibCrypto)]
    private static partial void EVP_MD_CTX_free(nint context);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_DigestSignInit(nint context, nint digestContext, nint digest, nint engine, nint key);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_DigestSign(nint context, Span<byte> signature, ref nuint signatureLength, ReadOnlySpan<byte> message, nuint length);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_DigestVerifyInit(nint context, nint digestContext, nint digest, nint engine, nint key);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_DigestVerify(nint context, ReadOnlySpan<byte> signature, nuint signatureLength, ReadOnlySpan<byte> message, nuint length);
}
