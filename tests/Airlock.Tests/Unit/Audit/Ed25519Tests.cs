using Airlock.Audit.Chain;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>The checkpoint signatures: RFC 8032's test vectors, and Python's cryptography package agreeing.</summary>
public sealed class Ed25519Tests
{
    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void MatchesRfc8032(string secret, string publicKey, string message, string signature)
    {
        var key = Convert.FromHexString(secret);
        Assert.Equal(publicKey, Convert.ToHexStringLower(Ed25519.PublicKeyOf(key)));
        Assert.Equal(signature, Convert.ToHexStringLower(Ed25519.Sign(key, Convert.FromHexString(message))));
        Assert.True(Ed25519.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)));
        var bad = Convert.FromHexString(signature);
        bad[5] ^= 1;
        Assert.False(Ed25519.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), bad));
    }

    [Fact]
    public async Task PythonsCryptographyVerifiesACheckpoint()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("airlock-key-").FullName, "audit-signing.key");
        var key = AuditSigningKey.LoadOrCreate(path);
        var checkpoint = key.Sign(42, new string('a', 64), "2026-11-22T05:00:00.0000000+00:00");
        var message = Convert.ToBase64String(Checkpoint.Message(checkpoint.Seq, checkpoint.Hash, checkpoint.Time));
        const string Script = """
            import base64, sys
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            Ed25519PublicKey.from_public_bytes(base64.b64decode(sys.argv[1])).verify(base64.b64decode(sys.argv[2]), base64.b64decode(sys.argv[3]))
            print('verified')
            """;
        var result = await ProcessRunner.RunAsync(Tools.Python, ["-c", Script, Convert.ToBase64String(key.PublicKey), checkpoint.Signature, message],
            new Dictionary<string, string?>());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verified", result.StdOut);
        Assert.Equal(key.PublicKey, AuditSigningKey.Parse(AuditSigningKey.Format(key.PublicKey)));
    }
}
