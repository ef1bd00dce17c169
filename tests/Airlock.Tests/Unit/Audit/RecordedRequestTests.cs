using System.Text;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Masking.Detectors;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.Audit;

/// <summary>What the audit trail keeps of a request: never a credential, a token or a signature.</summary>
public sealed class RecordedRequestTests
{
    private static readonly MaskPlanner Planner = new(new MaskingOptions(), new Masker(new byte[32]));

    private static readonly DetectorSet Detectors = new(BuiltInDetectors.All.Select(d => (d, MaskStyle.Full)).ToArray(), new Masker(new byte[32]));

    [Fact]
    public void ThePath_LosesPresignedSecretsAndWebIdentityTokens_AndKeepsTheRest()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/reports/q3.csv";
        http.Request.QueryString = new QueryString(
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAX%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=300" +
            "&X-Amz-Security-Token=IQoJsecret&X-Amz-Signature=abc123&versionId=7&WebIdentityToken=eyJhbGciOi.x.y");

        Assert.Equal("/reports/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&versionId=7", RecordedRequest.Path(http.Request));
    }

    [Fact]
    public void ThePath_LosesSecretsWhoseNamesArePercentEncodedOrInAnotherCase()
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/";
        http.Request.QueryString = new QueryString(
            "?Action=AssumeRoleWithWebIdentity&webidentitytoken=eyJhbGciOi.a.b&WebIdentity%54oken=eyJhbGciOi.c.d" +
            "&X%2DAmz%2DSecurity%2DToken=IQoJsecret&x-amz-signature=abc123&X-Amz-Credential&Version=2011-06-15");

        Assert.Equal("/?Action=AssumeRoleWithWebIdentity&Version=2011-06-15", RecordedRequest.Path(http.Request));
    }

    [Fact]
    public void WhatTheModelMarksSensitiveOutsideTheBody_LeavesThePathAndHeaders()
    {
        var operation = new Airlock.Aws.Catalog.OperationModel
        {
            Name = "GetPlace", Method = "GET", Uri = "/v2/place/{PlaceId}",
            Members = [["PlaceId", "uri", "PlaceId"], ["Key", "querystring", "key"], ["Language", "querystring", "language"],
                ["Token", "header", "X-Amz-SSO_bearer_token"], ["Attributes", "headers", "x-amz-lex-"]],
            SensitiveInput = ["Attributes", "Key", "PlaceId", "Token"],
        };
        const string Sent = "/v2/place/AQAAA%2Fsecret-place?language=en&%6Bey=v1.public.secret-api-key";
        const string Read = "/v2/place/AQAAA/secret-place";
        var headers = new Dictionary<string, string>
        {
            ["x-amz-sso_bearer_token"] = "aoa-bearer-secret", ["x-amz-lex-session"] = "lex-secret", ["x-amz-date"] = "20261204T000000Z",
        };
        var parameters = new Dictionary<string, string> { ["PlaceId"] = "AQAAA/secret-place", ["Key"] = "v1.public.secret-api-key", ["Language"] = "en" };

        var (path, normalizedPath, keptHeaders) = RecordedRequest.WithoutSensitiveInput(Sent, Read, headers, operation, parameters);

        Assert.Equal("/v2/place/****?language=en", path);
        Assert.Equal("/v2/place/****", normalizedPath);
        Assert.Equal(["x-amz-date"], keptHeaders.Keys);
        Assert.Equal((Sent, Read, headers), RecordedRequest.WithoutSensitiveInput(Sent, Read, headers, operation with { SensitiveInput = [] }, parameters));
    }

    [Fact]
    public void AQueryProtocolCallSentAsAGet_LosesItsSensitiveMembersFromThePath()
    {
        var operation = new Airlock.Aws.Catalog.OperationModel { Name = "CreateLoginProfile", Method = "POST", Uri = "/", SensitiveInput = ["Password"] };
        const string Sent = "/?Action=CreateLoginProfile&UserName=jane&Password=hunter2-secret&Version=2010-05-08";

        var (path, _, _) = RecordedRequest.WithoutSensitiveInput(Sent, null, new Dictionary<string, string>(), operation, new Dictionary<string, string>());

        Assert.Equal("/?Action=CreateLoginProfile&UserName=jane&Version=2010-05-08", path);
    }

    [Fact]
    public void ABodyWithASensitiveMember_LeavesNoDigestOrLengthOfItInTheHeaders_ButAPayloadOutsideTheBodyDoes()
    {
        // The .NET SDK signs every body's SHA-256: with the rest of the call on record, it would test guesses at the secret.
        var createSecret = new Airlock.Aws.Catalog.OperationModel { Name = "CreateSecret", Method = "POST", Uri = "/", SensitiveInput = ["SecretString"] };
        var headers = new Dictionary<string, string>
        {
            ["x-amz-content-sha256"] = "c50e3ad6bd31b4a3b2b1e4fa36a4b6e3cc4df3bd43f1f0c0be5f2d43b0e4a1f9", ["content-md5"] = "Q2hlY2sgSW50ZWdyaXR5IQ==",
            ["x-amz-checksum-crc32"] = "AAAAAA==", ["x-amz-sdk-checksum-algorithm"] = "CRC32", ["x-amz-target"] = "secretsmanager.CreateSecret",
            ["content-length"] = "96", // less the recorded rest of the call: the secret's length
        };

        var (_, _, kept) = RecordedRequest.WithoutSensitiveInput("/", null, headers, createSecret, new Dictionary<string, string>());

        Assert.Equal(["x-amz-sdk-checksum-algorithm", "x-amz-target"], kept.Keys.Order());
        var unsigned = new Dictionary<string, string> { ["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD" };
        Assert.Same(unsigned, RecordedRequest.WithoutSensitiveInput("/", null, unsigned, createSecret, new Dictionary<string, string>()).Headers);
        // S3's sensitive members travel in headers: the object's digest says nothing of them.
        var putObject = new Airlock.Aws.Catalog.OperationModel
        {
            Name = "PutObject", Method = "PUT", Uri = "/{Bucket}/{Key+}", SensitiveInput = ["SSECustomerKey"],
            Members = [["SSECustomerKey", "header", "x-amz-server-side-encryption-customer-key"]],
        };
        Assert.Same(headers, RecordedRequest.WithoutSensitiveInput("/b/k", null, headers, putObject, new Dictionary<string, string>()).Headers);
    }

    [Fact]
    public void Headers_WithholdCredentialsAndKeys_AndPassValuesThroughTheDetectors()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=ASIAX/20261122/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc";
        http.Request.Headers["X-Amz-Security-Token"] = "IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQD";
        http.Request.Headers["x-amz-server-side-encryption-customer-key"] = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
        http.Request.Headers.Cookie = "session=1";
        http.Request.Headers["Authentication"] = "workdocs-bearer-token";
        http.Request.Headers["x-amz-sso_bearer_token"] = "aoaAAAAAsso-token";
        http.Request.Headers["X-Amz-Date"] = "20261122T080000Z";
        http.Request.Headers["x-amz-meta-owner"] = "jane.doe@example.com";

        var recorded = RecordedRequest.Headers(http.Request.Headers, Detectors);

        Assert.Equal(["x-amz-date", "x-amz-meta-owner"], recorded.Keys.Order());
        Assert.Equal("20261122T080000Z", recorded["x-amz-date"]);
        Assert.DoesNotContain("jane.doe@example.com", recorded["x-amz-meta-owner"]);
    }

    [Fact]
    public void TheBody_IsCutAndDetected_AndLeftOutWhenTheModelMarksInputSensitive()
    {
        var body = Encoding.UTF8.GetBytes("{\"TableName\":\"orders\",\"Item\":{\"email\":{\"S\":\"jane.doe@example.com\"}}}");

        var kept = RecordedRequest.Body(body, 4096, hasSensitiveInput: false, Planner, json: true, dynamoDb: true)!;
        Assert.Contains("\"TableName\":\"orders\"", kept);
        Assert.DoesNotContain("jane.doe@example.com", kept);
        Assert.Equal(10, RecordedRequest.Body(body, 10, hasSensitiveInput: false, Planner, json: true, dynamoDb: true)!.Length);
        Assert.Null(RecordedRequest.Body(body, 4096, hasSensitiveInput: true, Planner, json: true, dynamoDb: true));
        Assert.Null(RecordedRequest.Body(body, 0, hasSensitiveInput: false, Planner, json: true, dynamoDb: true));
    }

    [Fact]
    public void AJsonBody_IsReadMemberByMember_SoAPairedPasswordIsMasked_AndTextBodiesStillDetected()
    {
        var json = Encoding.UTF8.GetBytes("""{"environmentVariables":[{"name":"DB_PASSWORD","value":"hunter2-xyz"}],"password":"p4ss-abc"}""");
        var form = Encoding.UTF8.GetBytes("Action=Publish&Message=mail%20jane.doe%40example.com&Subject=jane.doe@example.com");

        var kept = RecordedRequest.Body(json, 4096, hasSensitiveInput: false, Planner, json: true, dynamoDb: false)!;
        var text = RecordedRequest.Body(form, 4096, hasSensitiveInput: false, Planner, json: false, dynamoDb: false)!;

        Assert.DoesNotContain("hunter2-xyz", kept);
        Assert.DoesNotContain("p4ss-abc", kept);
        Assert.Contains("DB_PASSWORD", kept);
        Assert.DoesNotContain("jane.doe@example.com", text);
        var stack = Encoding.UTF8.GetBytes("Action=CreateStack&StackName=s&Parameters.member.1.ParameterKey=DbPassword&Parameters.member.1.ParameterValue=hunter2-xyz" +
            "&Parameters.member.2.ParameterKey=Stage&Parameters.member.2.ParameterValue=prod");
        var recordedStack = RecordedRequest.Body(stack, 4096, hasSensitiveInput: false, Planner, json: false, dynamoDb: false, form: true)!;
        Assert.DoesNotContain("hunter2-xyz", recordedStack);
        Assert.Contains("Parameters.member.2.ParameterValue=prod", recordedStack);
        var parameters = Planner.MaskRecorded(new Dictionary<string, string>
        {
            ["Parameters.member.1.ParameterKey"] = "DbPassword", ["Parameters.member.1.ParameterValue"] = "hunter2-xyz",
        });
        Assert.Equal("[password:****]", parameters["Parameters.member.1.ParameterValue"]);
        Assert.Null(RecordedRequest.Body(new byte[1024 * 1024 + 1], 4096, hasSensitiveInput: false, Planner, json: true, dynamoDb: false));
    }
}
