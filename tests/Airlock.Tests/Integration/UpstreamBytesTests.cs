using System.Text;
using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The bytes moto receives, kept by a recorder between Airlock and moto, mean the call Airlock decided on: per
/// protocol, with real SDK requests and with variants an upstream could read another way.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class UpstreamBytesTests(AirlockEnvironment env)
{
    [Fact]
    public async Task Json_GoesWithoutQuery_ItsFormDelimitersEscaped_AndMeansTheSameItem()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"], connection: AirlockEnvironment.RecordedConnection);
        var table = AirlockEnvironment.UniqueName("bytes-json");
        const string Value = "a&Action=DeleteTable;b";

        var result = await env.Boto3Async(agent, $$$"""
            c = boto3.client('dynamodb')
            c.create_table(TableName='{{{table}}}', AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],
                           KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}], BillingMode='PAY_PER_REQUEST')
            c.put_item(TableName='{{{table}}}', Item={'pk': {'S': 'k'}, 'v': {'S': '{{{Value}}}'}})
            print(c.get_item(TableName='{{{table}}}', Key={'pk': {'S': 'k'}})['Item']['v']['S'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Value, result.StdOut.Trim());
        var put = Single("DynamoDB_20120810.PutItem", table);
        Assert.Equal("/", put.Target);
        Assert.DoesNotContain((byte)'&', put.Body);
        Assert.DoesNotContain((byte)';', put.Body);
        using var json = JsonDocument.Parse(put.Body);
        Assert.Equal(Value, json.RootElement.GetProperty("Item").GetProperty("v").GetProperty("S").GetString());
        AssertOnlySignedOrStandardHeaders(put);
    }

    [Fact]
    public async Task QueryForm_FromBotocore_GoesAsSent_AndANonCanonicalOne_IsReencodedToTheSamePairs()
    {
        var power = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var canonical = AirlockEnvironment.UniqueName("bytes-q1");
        var reencoded = AirlockEnvironment.UniqueName("bytes-q2");

        // No spaces in the values: moto checks a form's signature over its own re-encoding of it, which writes a space as '+'.
        var boto = await env.Boto3Async(power, $"boto3.client('sns').create_topic(Name='{canonical}', Attributes={{'DisplayName': 'a+b~c'}})");
        var (status, body) = await SignedHttp.SendAsync(env.Gateway.Url, power, HttpMethod.Post, "/", "sns",
            new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded" },
            Encoding.UTF8.GetBytes($"Action=CreateTopic&Version=2010-03-31&Name={reencoded}&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x%2by%7ez"));

        Assert.True(boto.ExitCode == 0, boto.ToString());
        Assert.True(status == System.Net.HttpStatusCode.OK, body);
        var first = Single(null, canonical);
        Assert.Contains("DisplayName", Encoding.UTF8.GetString(first.Body));
        var second = Encoding.UTF8.GetString(Single(null, reencoded).Body);
        Assert.Equal($"Action=CreateTopic&Version=2010-03-31&Name={reencoded}&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x%2By~z", second);
        var attributes = await env.MotoAsync("sns", "get-topic-attributes", "--topic-arn", $"arn:aws:sns:us-east-1:123456789012:{reencoded}",
            "--query", "Attributes.DisplayName", "--output", "text");
        Assert.Equal("x+y~z", attributes.StdOut.Trim());
    }

    [Fact]
    public async Task Ec2Form_FromBotocore_GoesAsSent_AndMeansTheSameCall()
    {
        var power = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var name = AirlockEnvironment.UniqueName("bytes-ec2");

        var boto = await env.Boto3Async(power, $"""
            c = boto3.client('ec2')
            c.create_security_group(GroupName='{name}', Description='recorded')
            print(len(c.describe_security_groups(GroupNames=['{name}'])['SecurityGroups']))
            """);

        Assert.True(boto.ExitCode == 0, boto.ToString());
        Assert.Equal("1", boto.StdOut.Trim());
        var created = Encoding.UTF8.GetString(Single(null, "Action=CreateSecurityGroup&Version=2016-11-15&GroupName=" + name).Body);
        Assert.Equal($"Action=CreateSecurityGroup&Version=2016-11-15&GroupName={name}&GroupDescription=recorded", created);
        var audit = (await env.AuditAsync()).Last(e => e.AccessKeyId == power.AccessKeyId && e.Operation == "CreateSecurityGroup");
        Assert.Equal(name, audit.Parameters["GroupName"]);
    }

    [Fact]
    public async Task UnsignedHeaders_OnlyStandardOnesGoOn_Unsigned()
    {
        var agent = await env.NewSessionAsync(groups: ["agents"], connection: AirlockEnvironment.RecordedConnection);
        var bucket = AirlockEnvironment.UniqueName("bytes-headers");
        Assert.Equal(0, (await env.MotoAsync("s3api", "create-bucket", "--bucket", bucket)).ExitCode);
        await using var socket = await RawHttp.ConnectAsync(env.Gateway.Url);
        var hash = Airlock.Aws.SigV4.SigV4Primitives.Sha256Hex("hello"u8);

        await socket.SendAsync(RawHttp.SignedHead(env.Gateway.Url, agent, "PUT", $"/{bucket}/note.txt", "s3",
            new Dictionary<string, string> { ["x-amz-content-sha256"] = hash, ["x-amz-meta-owner"] = "agent" },
            new Dictionary<string, string> { ["content-length"] = "5", ["content-type"] = "text/plain", ["x-forwarded-for"] = "10.0.0.1", ["x-custom"] = "1" },
            hash) + "hello");
        var stored = await socket.ReadResponseAsync();

        Assert.Equal(200, stored!.Status);
        var put = Single(null, $"/{bucket}/note.txt");
        Assert.Equal("agent", put.Headers["x-amz-meta-owner"]);
        Assert.Equal("text/plain", put.Headers["content-type"]);
        Assert.False(put.Headers.ContainsKey("x-forwarded-for"));
        Assert.False(put.Headers.ContainsKey("x-custom"));
        Assert.DoesNotContain("content-type", SignedHeaders(put));
        AssertOnlySignedOrStandardHeaders(put);
    }

    [Fact]
    public async Task Cbor_GoesByteForByte_WithoutQuery()
    {
        var power = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var ns = AirlockEnvironment.UniqueName("bytes-cbor");

        var result = await env.Boto3Async(power, $$"""
            import botocore.model
            botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ('smithy-rpc-v2-cbor',)
            c = boto3.client('cloudwatch', config=botocore.config.Config(retries={'max_attempts': 1}))
            c.meta.events.register('before-send', lambda request, **kw: print(request.body.hex()))
            try:
                c.put_metric_data(Namespace='{{ns}}', MetricData=[{'MetricName': 'calls', 'Value': 2.0}])
            except botocore.exceptions.ClientError as e:
                pass
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var sent = Convert.FromHexString(result.StdOut.Trim());
        var received = Single(null, "/service/GraniteServiceVersion20100801/operation/PutMetricData", body: sent);
        Assert.Equal("/service/GraniteServiceVersion20100801/operation/PutMetricData", received.Target);
        Assert.Equal(sent, received.Body);
    }

    /// <summary>The one request the recorder kept for this call (by its target header, or a part of its target or body).</summary>
    private RecordedUpstreamRequest Single(string? amzTarget, string marker, byte[]? body = null) =>
        Assert.Single(env.Recorder.Received, r =>
            (amzTarget is null || r.Headers.GetValueOrDefault("x-amz-target") == amzTarget)
            && (r.Target.Contains(marker, StringComparison.Ordinal) || Encoding.UTF8.GetString(r.Body).Contains(marker, StringComparison.Ordinal))
            && (body is null || r.Body.SequenceEqual(body)));

    private static string[] SignedHeaders(RecordedUpstreamRequest request)
    {
        var authorization = request.Headers["authorization"];
        var at = authorization.IndexOf("SignedHeaders=", StringComparison.Ordinal) + "SignedHeaders=".Length;
        return authorization[at..authorization.IndexOf(',', at)].Split(';');
    }

    /// <summary>Every header moto got is one Airlock signed, or a standard one AWS takes unsigned (or the transport's own).</summary>
    private static void AssertOnlySignedOrStandardHeaders(RecordedUpstreamRequest request)
    {
        string[] standard = ["authorization", "content-length", "transfer-encoding", "connection", "content-type", "content-md5", "user-agent", "accept",
            "accept-encoding", "expect", "content-encoding", "range"];
        var signed = SignedHeaders(request);
        Assert.All(request.Headers.Keys, name => Assert.True(signed.Contains(name) || standard.Contains(name), $"{name} reached the upstream unsigned"));
        Assert.All(request.Headers.Keys.Where(n => n.StartsWith("x-amz-", StringComparison.Ordinal)), name => Assert.Contains(name, signed));
    }
}
