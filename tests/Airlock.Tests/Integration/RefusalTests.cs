using System.Net;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>Bad credentials and bad tokens are refused with a clear error, audited, and never reach moto.</summary>
[Collection(AirlockCollection.Name)]
public sealed class RefusalTests(AirlockEnvironment env)
{
    [Fact]
    public async Task ForgedSignature_IsRefused_AndAnHonestOneOfTheSameCallPasses()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("forged");

        var forged = await SendCreateBucketAsync(credentials, bucket, forge: true);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", forged.Body);
        Assert.False(await env.BucketExistsUpstreamAsync(bucket));

        var honest = await SendCreateBucketAsync(credentials, bucket, forge: false);
        Assert.True(honest.Status == HttpStatusCode.OK, honest.Body);
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
        await AssertRefusalAuditedAsync(credentials.AccessKeyId, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task UnsignedUploads_AreRefusedSayingWhy_SignatureVersion2OrAnHtmlForm_AndNothingIsStored()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("sigv2");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var presigned = await env.Boto3Async(credentials, $$"""
            s3 = boto3.client('s3', config=botocore.config.Config(signature_version='s3'))
            print(s3.generate_presigned_url('get_object', Params={'Bucket': '{{bucket}}', 'Key': 'k'}, ExpiresIn=300))
            print(s3.generate_presigned_url('put_object', Params={'Bucket': '{{bucket}}', 'Key': 'k'}, ExpiresIn=300))
            import json
            print(json.dumps(boto3.client('s3').generate_presigned_post('{{bucket}}', 'k')['fields']))
            """);
        Assert.True(presigned.ExitCode == 0, presigned.ToString());
        var urls = presigned.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("AWSAccessKeyId=", urls[1]);

        using var http = new HttpClient();
        var get = await http.GetAsync(urls[0]);
        // A PUT with a body was read as an STS call before, and refused for its query and body both holding parameters.
        var put = await http.PutAsync(urls[1], new ByteArrayContent("stored?"u8.ToArray()));
        var unsigned = await http.PutAsync($"{env.Gateway.Url}/{bucket}/k", new ByteArrayContent("stored?"u8.ToArray()));
        using var form = new MultipartFormDataContent();
        foreach (var field in System.Text.Json.JsonDocument.Parse(urls[2]).RootElement.EnumerateObject())
        {
            form.Add(new StringContent(field.Value.GetString()!), field.Name);
        }

        form.Add(new ByteArrayContent("stored?"u8.ToArray()), "file", "k");
        var formPost = await http.PostAsync($"{env.Gateway.Url}/{bucket}", form);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (get.StatusCode, put.StatusCode));
        Assert.Contains("only Signature Version 4", await get.Content.ReadAsStringAsync());
        Assert.Contains("only Signature Version 4", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await unsigned.Content.ReadAsStringAsync());
        // Read as an STS call before, and refused for a body that was not a url-encoded form.
        Assert.Equal(HttpStatusCode.BadRequest, formPost.StatusCode);
        Assert.Contains("uploads from HTML forms", await formPost.Content.ReadAsStringAsync());
        var listed = await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket);
        Assert.True(listed.ExitCode == 0 && !listed.StdOut.Contains("\"Key\""), listed.ToString());
    }

    [Fact]
    public async Task CallersHostHeader_DoesNotChooseTheUpstream()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("host");

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Put, "/" + bucket, "s3", host: "s3.attacker.invalid");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.True(await env.BucketExistsUpstreamAsync(bucket));
    }

    [Fact]
    public async Task UnknownOperation_IsRefusedInTheJsonErrorShape()
    {
        var credentials = await env.NewSessionAsync();

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.DropEverything", ["content-type"] = "application/x-amz-json-1.0" },
            "{}"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("UnknownOperationException", json.RootElement.GetProperty("__type").GetString());
        Assert.Contains("DropEverything", json.RootElement.GetProperty("message").GetString());
        await AssertRefusalAuditedAsync(credentials.AccessKeyId, "UnknownOperationException");
    }

    [Fact]
    public async Task OversizedJsonBody_IsRefusedBeforeAnythingIsSent()
    {
        var credentials = await env.NewSessionAsync();
        var table = AirlockEnvironment.UniqueName("huge");
        var padding = new string('x', 11 * 1024 * 1024);
        var body = System.Text.Encoding.UTF8.GetBytes($$"""{"TableName":"{{table}}","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","Tags":[{"Key":"pad","Value":"{{padding}}"}]}""");

        var (status, response) = await SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.CreateTable", ["content-type"] = "application/x-amz-json-1.0" }, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("RequestEntityTooLarge", response);
        Assert.DoesNotContain(table, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
    }

    [Fact]
    public async Task WrongSecret_IsRefused()
    {
        var credentials = await env.NewSessionAsync();
        var bucket = AirlockEnvironment.UniqueName("wrong-secret");

        // Change the first character to one it cannot already be, so the secret is always wrong.
        var wrongFirst = credentials.SecretAccessKey[0] == 'x' ? 'y' : 'x';
        var result = await env.CliV2Async(credentials with { SecretAccessKey = wrongFirst + credentials.SecretAccessKey[1..] }, "s3", "mb", $"s3://{bucket}");

        await AssertRefusedAsync(result, "SignatureDoesNotMatch", "SignatureDoesNotMatch", bucket, credentials.AccessKeyId);
    }

    [Fact]
    public async Task ExpiredSession_IsRefused()
    {
        // A session never outlives the token it was issued for.
        var credentials = await env.NewSessionAsync(tokenLifetime: TimeSpan.FromSeconds(3));
        await Task.Delay(TimeSpan.FromSeconds(4));
        var bucket = AirlockEnvironment.UniqueName("expired");

        var result = await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}");

        await AssertRefusedAsync(result, "ExpiredToken", "ExpiredToken", bucket, credentials.AccessKeyId);
    }

    [Fact]
    public async Task RevokedSession_IsRefusedOnItsNextCall()
    {
        var credentials = await env.NewSessionAsync(subject: "to-be-revoked");
        Assert.Equal(0, (await env.CliV2Async(credentials, "s3", "ls")).ExitCode);
        var list = await env.AirlockAsync("sessions", "list");
        Assert.Contains(list.StdOut.Split('\n'), l => l.Contains(credentials.AccessKeyId) && l.Contains("to-be-revoked") && l.Contains("active"));

        var revoke = await env.AirlockAsync("sessions", "revoke", credentials.AccessKeyId);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        var bucket = AirlockEnvironment.UniqueName("revoked");
        var result = await env.CliV2Async(credentials, "s3", "mb", $"s3://{bucket}");

        await AssertRefusedAsync(result, "InvalidClientTokenId", "revoked", bucket, credentials.AccessKeyId);
    }

    [Fact]
    public async Task UnknownAccessKeyId_IsRefused()
    {
        var madeUp = new SessionCredentials("ASIAMADEUPMADEUP2345", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "token");
        var bucket = AirlockEnvironment.UniqueName("unknown");

        var result = await env.CliV2Async(madeUp, "s3", "mb", $"s3://{bucket}");

        await AssertRefusedAsync(result, "InvalidClientTokenId", "not an Airlock session", bucket, madeUp.AccessKeyId);
    }

    public enum BadToken { Tampered, UnknownKey, Expired, WrongAudience, WrongIssuer, AlgNone }

    [Theory]
    [InlineData(BadToken.Tampered, "InvalidIdentityToken", "signature")]
    [InlineData(BadToken.UnknownKey, "InvalidIdentityToken", "signature")]
    [InlineData(BadToken.Expired, "ExpiredTokenException", "expired")]
    [InlineData(BadToken.WrongAudience, "InvalidIdentityToken", "audience")]
    [InlineData(BadToken.WrongIssuer, "InvalidIdentityToken", "not trusted")]
    [InlineData(BadToken.AlgNone, "InvalidIdentityToken", "not valid")]
    public async Task BadToken_GetsNoSession(BadToken kind, string code, string message)
    {
        var token = kind switch
        {
            BadToken.Tampered => env.Issuer.MintTampered(),
            BadToken.UnknownKey => env.Issuer.Mint(key: TestIssuer.Key.Rogue),
            BadToken.Expired => env.Issuer.Mint(lifetime: TimeSpan.FromMinutes(-2)),
            BadToken.WrongAudience => env.Issuer.Mint(audience: "someone-else"),
            BadToken.WrongIssuer => env.Issuer.Mint(issuer: "https://idp.invalid/elsewhere"),
            _ => env.Issuer.MintUnsigned(),
        };
        var before = (await env.AuditAsync()).Count;

        var (status, body) = await env.ExchangeAsync(token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, AirlockEnvironment.Find(body, "Code"));
        Assert.Contains(message, AirlockEnvironment.Find(body, "Message"));
        Assert.DoesNotContain(body.Descendants(), e => e.Name.LocalName == "AccessKeyId");
        var audit = (await env.AuditAsync()).Skip(before).ToList();
        Assert.Contains(audit, e => e.Operation == "AssumeRoleWithWebIdentity" && e.Decision == "refuse" && e.Reason!.StartsWith(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EcSignedToken_IsAccepted()
    {
        var (status, body) = await env.ExchangeAsync(env.Issuer.Mint(key: TestIssuer.Key.Ec));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.StartsWith("ASIA", AirlockEnvironment.Find(body, "AccessKeyId"));
    }

    [Fact]
    public async Task TokenSignedWithARotatedInKey_IsAcceptedAfterTheJwksIsFetchedAgain()
    {
        Assert.Equal(HttpStatusCode.OK, (await env.ExchangeAsync(env.Issuer.Mint())).Status);
        var fetches = env.Issuer.JwksFetches;
        env.Issuer.RotateKey();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var (status, body) = await env.ExchangeAsync(env.Issuer.Mint(key: TestIssuer.Key.Rotated));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.True(env.Issuer.JwksFetches > fetches);
    }

    [Fact]
    public async Task TokenForAnUnknownConnection_GetsNoSession()
    {
        var (status, body) = await env.ExchangeAsync(env.Issuer.Mint(), connection: "production");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("no connection named 'production'", AirlockEnvironment.Find(body, "Message"));
    }

    /// <summary>The CLI failed with the code and message, the bucket never reached moto, and the refusal was audited.</summary>
    private async Task AssertRefusedAsync(ProcessResult result, string code, string message, string bucket, string accessKeyId)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(code, result.All);
        Assert.Contains(message, result.All);
        Assert.False(await env.BucketExistsUpstreamAsync(bucket));
        await AssertRefusalAuditedAsync(accessKeyId, code);
    }

    private async Task AssertRefusalAuditedAsync(string accessKeyId, string code)
    {
        var audit = await env.AuditAsync();
        Assert.Contains(audit, e => e.AccessKeyId == accessKeyId && e.Decision == "refuse" && e.Reason!.StartsWith(code, StringComparison.Ordinal) && e.UpstreamStatus is null);
    }

    private Task<(HttpStatusCode Status, string Body)> SendCreateBucketAsync(SessionCredentials credentials, string bucket, bool forge) =>
        SignedHttp.SendAsync(env.Gateway.Url, credentials, HttpMethod.Put, "/" + bucket, "s3", forge: forge);
}
