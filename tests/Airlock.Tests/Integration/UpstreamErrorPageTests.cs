using System.Text;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A load balancer in front of the service answers with an html page instead of the protocol's error. Airlock cannot
/// mask it in the protocol of the call, so it is withheld; a 5xx keeps its status, so the SDK retries it exactly as it
/// would have without Airlock, and any other status is answered as 424, which no SDK retries.
/// </summary>
[Collection(AirlockCollection.Name)]
public sealed class UpstreamErrorPageTests(AirlockEnvironment env)
{
    private const string Page = "<html><body><h1>503 Service Unavailable</h1>Write to jane.doe@example.com.</body></html>";

    [Fact]
    public async Task AJsonCallAnswered503InHtml_IsRetriedByTheSdk_EachAttemptRecorded()
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var table = AirlockEnvironment.UniqueName("behind-a-balancer");
        env.Recorder.AnswerInsteadTo(r => Sent(r, table), 503, "text/html", Page);

        var result = await CallAsync(agent, "dynamodb", 3, $$$"""c.get_item(TableName='{{{table}}}', Key={'pk': {'S': 'a'}})""");

        Assert.True(result.ExitCode == 0, result.ToString());
        var attempts = Attempts(result.StdOut, "AirlockResponseWithheld 503");
        Assert.Equal(attempts, env.Recorder.Received.Count(r => Sent(r, table)));
        var records = (await env.AuditAsync()).Where(e => e.AccessKeyId == agent.AccessKeyId && e.Operation == "GetItem").ToList();
        Assert.Equal(Enumerable.Repeat<int?>(503, attempts), records.Select(r => r.UpstreamStatus));
        Assert.All(records, r => Assert.Contains("response withheld", r.Reason));
        await env.AssertNowhereInAirlockAsync("jane.doe@example.com");
    }

    [Fact]
    public async Task ACborCallAnswered503InHtml_IsRetriedByTheSdkInCbor()
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var ns = AirlockEnvironment.UniqueName("cbor-behind-a-balancer");
        env.Recorder.AnswerInsteadTo(r => Sent(r, ns), 503, "text/html", Page);

        var result = await CallAsync(agent, "cloudwatch", 2, $$"""c.put_metric_data(Namespace='{{ns}}', MetricData=[{'MetricName': 'calls', 'Value': 2.0}])""",
            protocol: "smithy-rpc-v2-cbor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Attempts(result.StdOut, "AirlockResponseWithheld 503"), env.Recorder.Received.Count(r => Sent(r, ns)));
    }

    [Fact]
    public async Task AMutationAnswered403InHtml_IsNotRetried_AndRunsOnce()
    {
        var agent = await env.NewSessionAsync(groups: ["power"], connection: AirlockEnvironment.RecordedConnection);
        var table = AirlockEnvironment.UniqueName("behind-a-waf");
        env.Recorder.AnswerInsteadTo(r => Sent(r, table), 403, "text/html", "<html><body>Request blocked.</body></html>");

        var result = await CallAsync(agent, "dynamodb", 3, $$$"""c.put_item(TableName='{{{table}}}', Item={'pk': {'S': 'a'}})""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("AirlockResponseWithheld 424 0", result.StdOut.Trim());
        Assert.Equal(1, env.Recorder.Received.Count(r => Sent(r, table)));
    }

    /// <summary>One call by boto3 with standard retries (in <paramref name="protocol"/> if given), printing the error's code, status and retry count.</summary>
    private Task<ProcessResult> CallAsync(SessionCredentials agent, string service, int maxAttempts, string call, string? protocol = null) =>
        env.Boto3Async(agent, (protocol is null ? "" : $"import botocore.model\nbotocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ('{protocol}',)\n") + $$"""
            c = boto3.client('{{service}}', config=botocore.config.Config(retries={'mode': 'standard', 'max_attempts': {{maxAttempts}}}))
            assert {{(protocol is null ? "True" : $"c.meta.service_model.resolved_protocol == '{protocol}'")}}
            try:
                {{call}}
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['RetryAttempts'])
            """);

    /// <summary>How many times the SDK sent the call, from its error's code, status and retry count; more than once.</summary>
    private static int Attempts(string printed, string codeAndStatus)
    {
        var line = printed.Trim();
        Assert.StartsWith(codeAndStatus + " ", line);
        var attempts = int.Parse(line[(codeAndStatus.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 1;
        Assert.True(attempts > 1, printed);
        return attempts;
    }

    private static bool Sent(RecordedUpstreamRequest request, string name) =>
        request.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0;
}
