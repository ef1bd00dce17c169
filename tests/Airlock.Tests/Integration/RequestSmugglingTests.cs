using System.Net;
using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// What Airlock authorizes is exactly what runs: requests an upstream could read as another call (an operation in the
/// query string or inside a json string, a multipart form, a parameter in two places, an unsigned header) are refused
/// or rebuilt, and moto — which reads such requests the other way — never runs the other call.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class RequestSmugglingTests(AirlockEnvironment env)
{
    private static readonly Dictionary<string, string> Json10 = new() { ["content-type"] = "application/x-amz-json-1.0" };

    [Fact]
    public async Task JsonCall_WithAnActionInTheQueryString_IsRefused_AndTheTableStays()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var victim = await TableAsync("smuggled-victim");

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/?Action=DeleteTable&TableName=" + victim, "dynamodb",
            new Dictionary<string, string>(Json10) { ["x-amz-target"] = "DynamoDB_20120810.GetItem" },
            Encoding.UTF8.GetBytes("{\"TableName\":\"" + victim + "\",\"Key\":{\"pk\":{\"S\":\"x\"}}}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no query string", body);
        Assert.Contains(victim, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId);
        Assert.Equal("refuse", record.Decision);
        Assert.Contains("?Action=DeleteTable", record.Path);
    }

    [Fact]
    public async Task JsonCall_WithAFormInsideAString_RunsAsTheJsonCallItIs()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var table = await TableAsync("form-in-json");
        var victim = await TableAsync("form-victim");

        // moto reads a body with no form content type as a form too: '&Action=DeleteTable&' would make it delete.
        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string>(Json10) { ["x-amz-target"] = "DynamoDB_20120810.GetItem" },
            Encoding.UTF8.GetBytes("{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"x&Action=DeleteTable&TableName=" + victim + "&y=;Action=DeleteTable\"}}}"));

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.DoesNotContain("TableDescription", body);
        Assert.Contains(victim, (await env.MotoAsync("dynamodb", "list-tables")).StdOut);
        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId);
        Assert.Equal(("GetItem", "allow", 200), (record.Operation, record.Decision, record.UpstreamStatus));
    }

    [Theory]
    [InlineData("""{"TableName":"a","TableName":"b"}""", "appears twice")]
    [InlineData("""{"TableName":"ok\ud800"}""", "surrogate")]
    [InlineData("""["not", "an", "object"]""", "not a json object")]
    public async Task AmbiguousJson_IsRefusedAndRecorded(string json, string why)
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string>(Json10) { ["x-amz-target"] = "DynamoDB_20120810.DescribeTable" }, Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(why, body);
        Assert.Contains(await env.AuditAsync(), e => e.AccessKeyId == agent.AccessKeyId && e.Decision == "refuse" && e.Reason!.Contains(why));
    }

    [Fact]
    public async Task JsonCall_WithAnotherContentType_IsRefused()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810.ListTables", ["content-type"] = "application/x-www-form-urlencoded" },
            "Action=DeleteTable&TableName=x"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("content type must be application/x-amz-json", body);
    }

    [Fact]
    public async Task SecretsManager_DescribeSecretWithGetSecretValueInTheQuery_IsRefused_AndNoValueLeaks()
    {
        const string Value = "smuggled-secret-7f3a";
        var name = AirlockEnvironment.UniqueName("smuggled");
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", name, "--secret-string", Value)).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/?Action=GetSecretValue&SecretId=" + name, "secretsmanager",
            new Dictionary<string, string> { ["x-amz-target"] = "secretsmanager.DescribeSecret", ["content-type"] = "application/x-amz-json-1.1" },
            Encoding.UTF8.GetBytes($$"""{"SecretId":"{{name}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain(Value, body);
        Assert.DoesNotContain(await env.AuditAsync(), e => (e.Response ?? "").Contains(Value));
    }

    [Fact]
    public async Task SqsJson_WithTheQueueUrlAlsoInTheQuery_IsRefused()
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var allowed = await QueueAsync("allowed");
        var forbidden = await QueueAsync("forbidden");

        var (status, _) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Post, "/?QueueUrl=" + Uri.EscapeDataString(forbidden), "sqs",
            new Dictionary<string, string> { ["x-amz-target"] = "AmazonSQS.SendMessage", ["content-type"] = "application/x-amz-json-1.0" },
            Encoding.UTF8.GetBytes($$"""{"QueueUrl":"{{allowed}}","MessageBody":"hello"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"ApproximateNumberOfMessages\": \"0\"", (await env.MotoAsync("sqs", "get-queue-attributes", "--queue-url", forbidden,
            "--attribute-names", "ApproximateNumberOfMessages")).StdOut);
    }

    [Fact]
    public async Task SqsQuery_WithTheQueueUrlInBodyAndQuery_IsRefused()
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var allowed = await QueueAsync("q-allowed");
        var forbidden = await QueueAsync("q-forbidden");

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Post, "/?QueueUrl=" + Uri.EscapeDataString(forbidden), "sqs",
            new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8" },
            Encoding.UTF8.GetBytes($"Action=SendMessage&Version=2012-11-05&QueueUrl={Uri.EscapeDataString(allowed)}&MessageBody=hello"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not also in the query string", body);
    }

    [Fact]
    public async Task QueryCall_WithAMultipartBody_IsRefused_AndTheTopicStays()
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var topic = await TopicAsync();
        const string Boundary = "airlock-boundary";
        var multipart = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\nDeleteTopic\r\n" +
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"TopicArn\"\r\n\r\n{topic}\r\n--{Boundary}--\r\n";

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Post, "/?Action=ListTopics&Version=2010-03-31", "sns",
            new Dictionary<string, string> { ["content-type"] = $"multipart/form-data; boundary={Boundary}" }, Encoding.UTF8.GetBytes(multipart));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("application/x-www-form-urlencoded", body);
        Assert.Contains(topic, (await env.MotoAsync("sns", "list-topics")).StdOut);
    }

    [Fact]
    public async Task QueryCall_WithAParameterTwice_IsRefused()
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var topic = await TopicAsync();

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Post, "/", "sns",
            new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded" },
            Encoding.UTF8.GetBytes($"Action=ListTopics&Version=2010-03-31&Action=DeleteTopic&TopicArn={Uri.EscapeDataString(topic)}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Action&apos; is given twice", body);
        Assert.Contains(topic, (await env.MotoAsync("sns", "list-topics")).StdOut);
    }

    [Fact]
    public async Task S3Put_WithAnUnsignedAmzHeader_IsRefused_AndNothingIsStored()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var bucket = AirlockEnvironment.UniqueName("unsigned-acl");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);
        var head = RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", $"/{bucket}/page.html", "s3",
            new Dictionary<string, string> { ["x-amz-content-sha256"] = Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex("hello"u8) },
            new Dictionary<string, string> { ["content-length"] = "5", ["x-amz-website-redirect-location"] = "https://attacker.example/" },
            Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex("hello"u8));

        await socket.SendAsync(head + "hello");
        var refused = await socket.ReadResponseAsync();

        Assert.Equal(403, refused!.Status);
        Assert.Contains("not signed: x-amz-website-redirect-location", refused.Body);
        Assert.DoesNotContain("page.html", (await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket)).StdOut);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300_000)]
    public async Task S3Put_WhoseBodyIsNotTheOneSigned_IsRefused_AndNothingIsStored(int size)
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var bucket = AirlockEnvironment.UniqueName("altered-body");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        var signedBody = new string('a', size);
        // Altered in its first byte: the upstream must not get the whole of it, since only the last byte tells.
        var sentBody = "b" + signedBody[1..];
        var hash = Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex(Encoding.ASCII.GetBytes(signedBody));
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", $"/{bucket}/altered.txt", "s3",
            new Dictionary<string, string> { ["x-amz-content-sha256"] = hash },
            new Dictionary<string, string> { ["content-length"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) }, hash) + sentBody);
        var refused = await socket.ReadResponseAsync();

        Assert.Equal(400, refused!.Status);
        Assert.Contains("XAmzContentSHA256Mismatch", refused.Body);
        Assert.DoesNotContain("altered.txt", (await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket)).StdOut);
    }

    [Fact]
    public async Task JsonCall_SignedAsUnsignedPayload_IsRefused()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Post, "/", "dynamodb",
            new Dictionary<string, string>(Json10) { ["x-amz-target"] = "DynamoDB_20120810.ListTables" }, Airlock.Aws.SigV4.SigV4Primitives.UnsignedPayload,
            (_, _) => "{}"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UNSIGNED-PAYLOAD", body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AbsoluteFormTarget_IsRefused(bool toItself)
    {
        // Kestrel takes an absolute-form target only when it names the Host; Airlock refuses it either way.
        var authority = new Uri(env.Gateway.Url).Authority;
        var target = toItself ? $"http://{authority}/_absolute-{Guid.NewGuid():N}" : "http://169.254.169.254/latest/meta-data/";
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        await socket.SendAsync($"GET {target} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
        var refused = await socket.ReadResponseAsync();

        Assert.Equal(400, refused!.Status);
        if (toItself)
        {
            Assert.Contains("origin form", refused.Body);
            Assert.Contains(await env.AuditAsync(), e => e.Decision == "refuse" && e.Path == target);
        }
    }

    [Fact]
    public async Task ARefusedTarget_IsRecordedAsSent_AndAsTheServerReadIt()
    {
        var authority = new Uri(env.Gateway.Url).Authority;
        var marker = Guid.NewGuid().ToString("N");
        var sent = $"/{marker}/./dir/../%7Eobject?x-id=GetObject";
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);

        await socket.SendAsync($"GET {sent} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
        var refused = await socket.ReadResponseAsync();

        Assert.Equal(403, refused!.Status);
        var record = (await env.AuditAsync()).Single(e => e.Path?.Contains(marker, StringComparison.Ordinal) == true);
        Assert.Equal("refuse", record.Decision);
        Assert.Equal(sent, record.Path);
        Assert.Equal($"/{marker}/~object", record.NormalizedPath);
    }

    [Fact]
    public async Task GetBucketWithATrailingSlash_IsRecordedAsTheListingItIs()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var bucket = AirlockEnvironment.UniqueName("trailing");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Get, $"/{bucket}/", "s3");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains("ListBucketResult", body);
        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == agent.AccessKeyId);
        Assert.Equal(("ListObjects", $"/{bucket}/"), (record.Operation, record.Path));
    }

    [Theory]
    [InlineData("GET", "?delete", "takes no query parameter 'delete'")]
    [InlineData("GET", "?list-type=2&torrent-ish=1", "takes no query parameter 'torrent-ish'")]
    [InlineData("GET", "?list-type=2&prefix=public/&prefix=secret/", "ListObjectsV2 takes the query parameter 'prefix' once")]
    public async Task S3Call_WithAQueryParameterItsOperationDoesNotTake_IsRefused(string method, string query, string why)
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var bucket = AirlockEnvironment.UniqueName("unnamed-query");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, new HttpMethod(method), $"/{bucket}{query}", "s3");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(why.Replace("'", "&apos;"), body);
    }

    [Fact]
    public async Task S3Put_WithASignedAmzHeaderItsOperationDoesNotName_IsRefused()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"]);
        var bucket = AirlockEnvironment.UniqueName("unnamed-header");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, agent, HttpMethod.Put, $"/{bucket}/k", "s3",
            new Dictionary<string, string> { ["x-amz-bucket-object-lock-enabled"] = "true" }, "hello"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("PutObject takes no header &apos;x-amz-bucket-object-lock-enabled&apos;", body);
        Assert.DoesNotContain("<Key>k</Key>", (await env.MotoAsync("s3api", "list-objects-v2", "--bucket", bucket)).StdOut);
    }

    [Theory]
    [InlineData("/2015-03-31/functions/?MaxItems=5&FunctionVersion=ALL&Marker2=x", "", "ListFunctions takes no query parameter 'Marker2'")]
    [InlineData("/2015-03-31/functions/", "x-amz-invocation-type", "ListFunctions takes no header 'x-amz-invocation-type'")]
    [InlineData("/2015-03-31/functions/?MaxItems=5&MaxItems=50", "", "ListFunctions takes the query parameter 'MaxItems' once")]
    public async Task RestJsonCall_WithAParameterOrHeaderItsOperationDoesNotTake_IsRefused(string pathAndQuery, string header, string why)
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var headers = header.Length == 0 ? null : new Dictionary<string, string> { [header] = "Event" };

        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Get, pathAndQuery, "lambda", headers);

        Assert.True(status == HttpStatusCode.BadRequest, body);
        Assert.Contains(why, body.Replace("\\u0027", "'", StringComparison.Ordinal));
        var record = (await env.AuditAsync()).Last(e => e.AccessKeyId == power.AccessKeyId);
        Assert.Equal("refuse", record.Decision);
    }

    /// <remarks>
    /// moto 5.2.1 answers every rest-json call SignatureDoesNotMatch when it checks signatures (boto3 straight at it
    /// too), so this checks what Airlock sends upstream, through the recorder, rather than moto's answer.
    /// </remarks>
    [Fact]
    public async Task RestJsonCalls_OfARealSdk_StillGoUpstreamAsSent()
    {
        var power = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);

        var result = await env.Boto3Async(power, """
            c = boto3.client('lambda', config=botocore.config.Config(retries={'max_attempts': 1}))
            for call in [lambda: c.list_functions(MaxItems=5, FunctionVersion='ALL'), lambda: c.list_layers(CompatibleRuntime='python3.12')]:
                try:
                    call()
                except botocore.exceptions.ClientError as e:
                    print(e.response['Error']['Code'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(env.Recorder.Received, r => r.Method == "GET" && r.Target == "/2015-03-31/functions?MaxItems=5&FunctionVersion=ALL");
        Assert.Contains(env.Recorder.Received, r => r.Method == "GET" && r.Target == "/2018-10-31/layers?CompatibleRuntime=python3.12");
    }

    [Fact]
    public async Task StsDoor_WithTheTokenInTheQueryAndTheBody_IsRefused()
    {
        using var http = new HttpClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity", ["Version"] = "2011-06-15", ["RoleArn"] = "arn:aws:iam::123456789012:role/moto",
            ["RoleSessionName"] = "tests", ["WebIdentityToken"] = env.Issuer.Mint(subject: "two-places"),
        });

        using var response = await http.PostAsync($"{env.Gateway.Url}/?WebIdentityToken={Uri.EscapeDataString(env.Issuer.Mint(subject: "other"))}", form);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not also in the query string", body);
        Assert.DoesNotContain("AccessKeyId", body);
    }

    private async Task<string> TableAsync(string prefix)
    {
        var table = AirlockEnvironment.UniqueName(prefix);
        var created = await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
        Assert.True(created.ExitCode == 0, created.ToString());
        return table;
    }

    private async Task<string> QueueAsync(string prefix)
    {
        var created = await env.MotoAsync("sqs", "create-queue", "--queue-name", AirlockEnvironment.UniqueName(prefix), "--query", "QueueUrl", "--output", "text");
        Assert.True(created.ExitCode == 0, created.ToString());
        return created.StdOut.Trim();
    }

    private async Task<string> TopicAsync()
    {
        var created = await env.MotoAsync("sns", "create-topic", "--name", AirlockEnvironment.UniqueName("smuggled"), "--query", "TopicArn", "--output", "text");
        Assert.True(created.ExitCode == 0, created.ToString());
        return created.StdOut.Trim();
    }
}
