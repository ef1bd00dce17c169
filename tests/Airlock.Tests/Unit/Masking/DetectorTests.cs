using Airlock.Masking;
using Airlock.Masking.Detectors;

using Xunit;

namespace Airlock.Tests.Unit.Masking;

public sealed class DetectorTests
{
    private static readonly DetectorSet All = new(BuiltInDetectors.All.Select(d => (d, MaskStyle.Full)).ToArray(), new Masker(new byte[32]));

    private static (string? Masked, List<string> Hits) Scan(string text, string? field = null)
    {
        var hits = new List<string>();
        return (All.Apply(text, field, hits), hits);
    }

    [Theory]
    [InlineData("key AKIAIOSFODNN7EXAMPLE in text", "aws-access-key-id")]
    [InlineData("ASIAY34FZKBOKMUTVV7A", "aws-access-key-id")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key")]
    [InlineData("FQoGZXIvYXdzEBYaDHqa0AP1XZEF0mh3ASLbAcwR1HCBiyWbh18Xpb1e", "aws-session-token")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "private-key")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl", "jwt")]
    [InlineData("postgres://app:s3cr3t-pw@db.internal:5432/app", "password")]
    [InlineData("Server=db;User Id=app;Password=hunter2;", "password")]
    [InlineData("export DB_PASSWORD=hunter2", "password")]
    [InlineData("{\"MasterUserPassword\": \"hunter2\"}", "password")]
    [InlineData("card 4111 1111 1111 1111 on file", "credit-card")]
    [InlineData("5555555555554444", "credit-card")]
    [InlineData("378282246310005", "credit-card")]
    [InlineData("write to alice.smith+ops@example.co.uk please", "email")]
    [InlineData("call +44 20 7946 0958", "phone")]
    [InlineData("(415) 555-2671", "phone")]
    [InlineData("SSN 123-45-6789", "us-ssn")]
    [InlineData("DE89 3704 0044 0532 0130 00", "iban")]
    [InlineData("GB82WEST12345698765432", "iban")]
    public void Finds(string text, string detector)
    {
        var (masked, hits) = Scan(text);
        Assert.NotNull(masked);
        Assert.Contains(detector, hits);
        Assert.Contains($"[{detector}:****]", masked);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/agents")] // account ids are not phones or cards
    [InlineData("2026-11-22T04:23:51.000Z")]
    [InlineData("1732250000000")] // epoch milliseconds: Luhn-valid one time in ten, but no card prefix
    [InlineData("4111111111111112")] // fails Luhn
    [InlineData("10.0.1.200")]
    [InlineData("192.168.100.200")]
    [InlineData("AIDAJQABLZS4A3QDU576Q")] // a user id, not an access key
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")] // a 40-character value alone, with no field or keyword saying it is a secret
    [InlineData("DE89 3704 0044 0532 0130 01")] // IBAN check digits wrong
    [InlineData("000-12-3456")]
    [InlineData("PasswordLastUsed=2026-11-22, password_policy: strict")] // settings named after a password, not one
    [InlineData("version 1.2.3, build 20261122")]
    [InlineData("")]
    public void LeavesLookAlikes(string text)
    {
        var (masked, hits) = Scan(text);
        Assert.True(masked is null, $"masked '{text}' as {string.Join(",", hits)}: {masked}");
    }

    [Fact]
    public void A40CharacterValueIsASecretKeyInASecretField()
    {
        var (masked, hits) = Scan("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SecretAccessKey");
        Assert.Equal("[aws-secret-access-key:****]", masked);
        Assert.Equal(["aws-secret-access-key"], hits);
    }

    [Fact]
    public void ASessionTokenIsMaskedByItsField()
    {
        var (masked, _) = Scan("AQoDYXdzEJr1K1Yrandomtokenvalue0123456789", "SessionToken");
        Assert.Equal("[aws-session-token:****]", masked);
    }

    [Theory]
    [InlineData("PASSWORD")]
    [InlineData("DB_PASSWORD")]
    [InlineData("MasterUserPassword")]
    [InlineData("passwd")]
    [InlineData("pwd")]
    public void AValueNamedAsAPasswordIsMaskedByItsField(string field)
    {
        var (masked, hits) = Scan("glue-pass-77", field);
        Assert.Equal("[password:****]", masked);
        Assert.Equal(["password"], hits);
    }

    [Theory]
    [InlineData("PasswordLastUsed", "2026-12-04T10:00:00Z")]
    [InlineData("MinimumPasswordLength", "14")]
    [InlineData("AllowUsersToChangePassword", "true")]
    [InlineData("PASSWORD", "")]
    [InlineData("UserName", "glue-pass-77")]
    public void SettingsNamedAfterAPassword_AreNotOne(string field, string text)
    {
        var (masked, _) = Scan(text, field);
        Assert.Null(masked);
    }

    [Fact]
    public void MasksEveryMatchAndKeepsTheRest()
    {
        var (masked, hits) = Scan("mail bob@example.com or carol@example.org, card 4242424242424242.");
        Assert.Equal("mail [email:****] or [email:****], card [credit-card:****].", masked);
        Assert.Equal(["email", "credit-card"], hits.Order().Reverse().ToArray());
    }

    [Fact]
    public void StylesKeepTheLastFourOrGiveAStableToken()
    {
        var masker = new Masker(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Assert.Equal("****1111", masker.Mask("4111 1111 1111 1111", MaskStyle.Partial));
        Assert.Equal("****", masker.Mask("short", MaskStyle.Partial));
        var token = masker.Mask("alice@example.com", MaskStyle.Hash);
        Assert.StartsWith("masked:sha256:", token);
        Assert.Equal(token, masker.Mask("alice@example.com", MaskStyle.Hash));
        Assert.NotEqual(token, masker.Mask("bob@example.com", MaskStyle.Hash));
        Assert.NotEqual(token, new Masker(new byte[32]).Mask("alice@example.com", MaskStyle.Hash));
        Assert.Equal("[email:masked:sha256:" + token["masked:sha256:".Length..] + "]", masker.Mask("alice@example.com", MaskStyle.Hash, "email"));
    }

    [Fact]
    public void TheHashKeyFileIsCreatedOnceAndKept()
    {
        var path = Path.Combine(Path.GetTempPath(), "airlock-key-" + Guid.NewGuid().ToString("N"), "masking.key");
        var first = Masker.FromKeyFile(path).Mask("x", MaskStyle.Hash);
        Assert.Equal(32, new FileInfo(path).Length);
        Assert.Equal(first, Masker.FromKeyFile(path).Mask("x", MaskStyle.Hash));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void CardAndIbanChecks()
    {
        Assert.True(PaymentCard.IsValid("4012888888881881"));
        Assert.True(PaymentCard.IsValid("6011111111111117"));
        Assert.False(PaymentCard.IsValid("1234567812345670")); // Luhn-valid, no issuer
        Assert.True(Iban.IsValid("FR1420041010050500013M02606"));
        Assert.False(Iban.IsValid("FR1420041010050500013M02607"));
        Assert.False(Iban.IsValid("ZZ1420041010050500013M02606"));
    }
}
