using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>Cases from AWS's published SigV4 test suite (credential AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, "service").</summary>
public sealed class SigV4TestSuiteTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, string[], string, string> Cases => new()
    {
        // name, method, query, extra headers ("name:value"), body, expected signature
        { "get-vanilla", "GET", "", [], "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "post-vanilla", "POST", "", [], "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "get-vanilla-query-order-key-case", "GET", "Param2=value2&Param1=value1", [], "", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-header-key-duplicate", "GET", "", ["my-header1:value2", "my-header1:value2", "my-header1:value1"], "", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "post-x-www-form-urlencoded", "POST", "", ["content-type:application/x-www-form-urlencoded"], "Param1=value1", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_SuiteRequest_GivesThePublishedSignature(string name, string method, string query, string[] extra, string body, string expected)
    {
        var request = SuiteRequest(method, query, extra);
        var payload = SigV4Primitives.Sha256Hex(body);

        var authorization = SigV4Signer.Authorize(request, "AKIDEXAMPLE", Secret, "us-east-1", "service", SuiteTime, payload);

        Assert.True(authorization.EndsWith("Signature=" + expected, StringComparison.Ordinal), $"{name}: {authorization}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_SuiteRequest_AcceptsThePublishedSignatureAndRejectsAnother(string name, string method, string query, string[] extra, string body, string expected)
    {
        var request = SuiteRequest(method, query, extra);
        var signedHeaders = string.Join(';', request.Headers.Select(h => h.Key).Distinct().Order(StringComparer.Ordinal));
        var header = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={expected}";
        var auth = SigV4Authorization.FromHeader(header, "20150830T123600Z", null)!;
        var payload = SigV4Primitives.Sha256Hex(body);

        Assert.Equal(SignatureCheck.Valid, SigV4Verifier.Verify(request, auth, Secret, payload, SuiteTime.AddMinutes(1)));
        Assert.Equal(SignatureCheck.Mismatch, SigV4Verifier.Verify(request, auth, Secret + "x", payload, SuiteTime));
        Assert.Equal(SignatureCheck.Mismatch, SigV4Verifier.Verify(request, auth, Secret, SigV4Primitives.Sha256Hex(body + "!"), SuiteTime));
        Assert.Equal(SignatureCheck.ClockSkew, SigV4Verifier.Verify(request, auth, Secret, payload, SuiteTime.AddMinutes(16)));
        _ = name;
    }

    [Fact]
    public void Verify_TheS3DocumentationPresignedUrl_IsValidUntilItExpires()
    {
        // The query-string authentication example of the S3 SigV4 documentation.
        var query = CanonicalQuery.Parse("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
        var request = new SignableRequest("GET", "/test.txt", query, [new("host", "examplebucket.s3.amazonaws.com")], IsS3: true);
        var auth = SigV4Authorization.FromQuery(query)!;
        var signedAt = new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(SignatureCheck.Valid, SigV4Verifier.Verify(request, auth, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SigV4Primitives.UnsignedPayload, signedAt.AddHours(23)));
        Assert.Equal(SignatureCheck.PresignedExpired, SigV4Verifier.Verify(request, auth, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SigV4Primitives.UnsignedPayload, signedAt.AddHours(25)));
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service, SignedHeaders=host, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=nothex")]
    [InlineData("AWS AKID:signature")]
    public void FromHeader_MalformedAuthorization_IsRejected(string header)
    {
        Assert.Null(SigV4Authorization.FromHeader(header, "20150830T123600Z", null));
    }

    [Fact]
    public void CanonicalUri_EncodesTwiceExceptForS3()
    {
        Assert.Equal("/model/a%253A1/converse", CanonicalRequest.CanonicalUri("/model/a%3A1/converse", isS3: false));
        Assert.Equal("/bucket/a%3A1", CanonicalRequest.CanonicalUri("/bucket/a%3A1", isS3: true));
        Assert.Equal("/a/c", CanonicalRequest.CanonicalUri("/a/./b/../c", isS3: false));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/a/b", "/a/b")]
    [InlineData("/a/", "/a/")]
    [InlineData("/A-b_c~9", "/A-b_c~9")]
    [InlineData("/a//b", "/a/b")]
    [InlineData("/a/.", "/a")]
    [InlineData("/..", "/")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/a.b", "/a.b")]
    [InlineData("a/b", "/a/b")]
    public void CanonicalUri_NormalizesAndEncodes_AndGivesAPlainPathBackAsItCame(string raw, string canonical)
    {
        Assert.Equal(canonical, CanonicalRequest.CanonicalUri(raw, isS3: false));
    }

    [Theory]
    [InlineData("us-east-1", "service")]
    [InlineData("eu-çentral-1", "sérvice")]
    [InlineData("a-region-name-longer-than-any-aws-has-so-the-string-to-sign-outgrows-the-stack-buffer-a-region-name-longer-than-any-aws-has-so-the-string-to-sign-outgrows-the-stack-buffer-a-region-name-longer-than-any-aws-has-so-the-string-to-sign-outgrows-the-stack-buffer-a-region-name-longer-than-any-aws-has-so-the-string-to-sign-outgrows-the-stack-buffer-and-its-byte-buffer-too-éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé", "service")]
    public void Sign_IsTheHmacOfTheStringToSignInUtf8(string region, string service)
    {
        var key = SigV4Primitives.DeriveSigningKey(Secret, "20150830", region, service);
        var hash = SigV4Primitives.Sha256Hex("canonical request");
        var scope = new CredentialScope("20150830", region, service);
        var stringToSign = $"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/{region}/{service}/aws4_request\n{hash}";

        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(stringToSign))),
            SigV4Primitives.Sign(key, "20150830T123600Z", scope, hash));
    }

    [Theory]
    [InlineData("5fa00fa3", "5fa00fa3", true)]
    [InlineData("5fa00fa3", "5fa00fa4", false)]
    [InlineData("5fa00fa3", "5fa00fa", false)]
    [InlineData("5fa00fa3", "5fa00fa30", false)]
    [InlineData("5fa00fé3", "5fa00fè3", false)]
    public void SignaturesEqual_IsExactEquality(string expected, string actual, bool equal)
    {
        Assert.Equal(equal, SigV4Primitives.SignaturesEqual(expected, actual));
    }

    private static SignableRequest SuiteRequest(string method, string query, string[] extra)
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z") };
        headers.AddRange(extra.Select(h => new KeyValuePair<string, string>(h[..h.IndexOf(':')], h[(h.IndexOf(':') + 1)..])));
        return new SignableRequest(method, "/", CanonicalQuery.Parse(query), headers, IsS3: false);
    }
}
