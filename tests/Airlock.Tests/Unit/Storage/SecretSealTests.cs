using System.Security.Cryptography;
using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Unit.Storage;

/// <summary>Session secrets at rest: sealed with the current key, bound to their row, opened after a rotation.</summary>
public sealed class SecretSealTests
{
    private static readonly byte[] Old = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] New = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void ASealedSecret_OpensForItsRow_AndShowsNothingOfItself()
    {
        var seal = new SecretSeal(New, []);

        var stored = seal.Seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sess-1");

        Assert.DoesNotContain("wJalrXUtnFEMI", stored);
        Assert.StartsWith($"sealed:v1:{SecretSeal.IdOf(New)}:", stored);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", seal.Open(stored, "sess-1"));
        Assert.NotEqual(stored, seal.Seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sess-1"));
    }

    [Fact]
    public void ASecretMovedToAnotherRow_OrAltered_DoesNotOpen()
    {
        var seal = new SecretSeal(New, []);
        var stored = seal.Seal("secret", "sess-1");
        var altered = stored[..^4] + (stored[^4] == 'A' ? 'B' : 'A') + stored[^3..];

        Assert.ThrowsAny<CryptographicException>(() => seal.Open(stored, "sess-2"));
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(altered, "sess-1"));
    }

    [Fact]
    public void AfterARotation_TheOldKeyStillOpens_ButOnlyTheNewOneSeals()
    {
        var before = new SecretSeal(Old, []).Seal("secret", "sess-1");
        var rotated = new SecretSeal(New, [Old]);

        Assert.Equal("secret", rotated.Open(before, "sess-1"));
        Assert.Contains(SecretSeal.IdOf(New), rotated.Seal("secret", "sess-1"));
        var error = Assert.ThrowsAny<CryptographicException>(() => new SecretSeal(New, []).Open(before, "sess-1"));
        Assert.Contains(SecretSeal.IdOf(Old), error.Message);
    }

    [Fact]
    public void ASecretWrittenByAnOlderAirlock_IsReadAsItIs()
    {
        Assert.Equal("plain-secret", new SecretSeal(New, []).Open("plain-secret", "sess-1"));
    }
}
