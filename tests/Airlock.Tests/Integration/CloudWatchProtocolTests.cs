using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// CloudWatch's model lists three protocols (smithy-rpc-v2-cbor, json, query): boto3 is made to speak each in turn,
/// and Airlock reads, decides, records and answers every call in the protocol it was spoken in.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class CloudWatchProtocolTests(AirlockEnvironment env)
{
    [Theory]
    [InlineData("json")]
    [InlineData("query")]
    public async Task PutAndListMetrics_ThroughAirlock_AsMotoHasThem(string protocol)
    {
        var power = await env.NewSessionAsync(groups: ["power"]);
        var ns = AirlockEnvironment.UniqueName("airlock-" + protocol);

        var result = await Boto3Async(power, protocol, env.Gateway.Url, $$"""
            c.put_metric_data(Namespace='{{ns}}', MetricData=[{'MetricName': 'calls', 'Value': 2.0}])
            print([m['MetricName'] for m in c.list_metrics(Namespace='{{ns}}')['Metrics']])
            """);
        var direct = await Boto3Async(null, protocol, env.Moto.Endpoint, $"print([m['MetricName'] for m in c.list_metrics(Namespace='{ns}')['Metrics']])");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("['calls']", result.StdOut.Trim());
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Equal("['calls']", direct.StdOut.Trim());
        var put = Assert.Single(await env.AuditAsync(), e => e.Operation == "PutMetricData" && e.Parameters.GetValueOrDefault("Namespace") == ns);
        Assert.Equal(("allow", 200), (put.Decision, put.UpstreamStatus));
    }

    [Fact]
    public async Task CborCall_IsResolvedFromItsBody_RecordedAndRefusedInCbor()
    {
        var nobody = await env.NewSessionAsync(groups: ["nobody"]);
        var ns = AirlockEnvironment.UniqueName("airlock-cbor");

        var result = await Boto3Async(nobody, "smithy-rpc-v2-cbor", env.Gateway.Url, $$"""
            try:
                c.put_metric_data(Namespace='{{ns}}', MetricData=[{'MetricName': 'calls', 'Value': 2.0}])
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])
                print(e.response['Error']['Message'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("AccessDeniedException 403", result.StdOut);
        Assert.Contains("PutMetricData", result.StdOut);
        var denied = Assert.Single(await env.AuditAsync(), e => e.Parameters.GetValueOrDefault("Namespace") == ns);
        Assert.Equal(("PutMetricData", "deny"), (denied.Operation, denied.Decision));
        Assert.Equal("/service/GraniteServiceVersion20100801/operation/PutMetricData", denied.Path);
    }

    [Fact]
    public async Task CborCallTheUpstreamCannotAnswerInCbor_ReachesItOnce_AndTheSdkDoesNotRetry()
    {
        // moto 5.2.1 does not speak smithy-rpc-v2-cbor (it answers 404 in html): Airlock cannot mask that answer in the
        // protocol of the call, withholds it, and says so in a way no SDK retries.
        var power = await env.NewSessionAsync(groups: ["power"]);
        var ns = AirlockEnvironment.UniqueName("airlock-cbor-once");
        var sent = MotoRequests("/service/GraniteServiceVersion20100801/operation/PutMetricData");

        var result = await Boto3Async(power, "smithy-rpc-v2-cbor", env.Gateway.Url, $$"""
            try:
                c.put_metric_data(Namespace='{{ns}}', MetricData=[{'MetricName': 'calls', 'Value': 2.0}])
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['RetryAttempts'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("AirlockResponseWithheld 424 0", result.StdOut.Trim());
        Assert.Equal(sent + 1, MotoRequests("/service/GraniteServiceVersion20100801/operation/PutMetricData"));
        var record = Assert.Single(await env.AuditAsync(), e => e.Parameters.GetValueOrDefault("Namespace") == ns);
        Assert.Equal(("allow", 404), (record.Decision, record.UpstreamStatus));
        Assert.Contains("response withheld", record.Reason);
    }

    private int MotoRequests(string path)
    {
        using var stream = new FileStream(Path.Combine(env.WorkDir, "moto.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n').Count(l => l.Contains($"\"POST {path} HTTP/1.1\""));
    }

    /// <summary>boto3's CloudWatch client made to speak <paramref name="protocol"/> (botocore takes the first of its preference order the model lists).</summary>
    private Task<ProcessResult> Boto3Async(SessionCredentials? credentials, string protocol, string endpoint, string code)
    {
        var environment = env.WithCredentials(credentials ?? new SessionCredentials(env.Moto.AccessKeyId, env.Moto.SecretAccessKey, ""));
        return ProcessRunner.RunAsync(Tools.Python, ["-c", $$"""
            import boto3, botocore.config, botocore.exceptions, botocore.model
            botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ('{{protocol}}',)
            c = boto3.client('cloudwatch', endpoint_url='{{endpoint}}')
            assert c.meta.service_model.resolved_protocol == '{{protocol}}'

            """ + code], environment);
    }
}
