using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>Reading CloudWatch Logs unmasked needs logs:Unmask beside the read, as IAM requires.</summary>
public sealed class LogsUnmaskTests
{
    [Theory]
    [InlineData("GetLogEvents", """{"logGroupName": "app", "logStreamName": "s", "unmask": true}""", true)]
    [InlineData("GetLogEvents", """{"logGroupName": "app", "logStreamName": "s", "unmask": false}""", false)]
    [InlineData("GetLogEvents", """{"logGroupName": "app", "logStreamName": "s"}""", false)]
    [InlineData("FilterLogEvents", """{"logGroupName": "app", "unmask": true}""", true)]
    [InlineData("StartQuery", """{"logGroupName": "app", "startTime": 1, "endTime": 2, "queryString": "fields @timestamp, UnMask (@message)"}""", true)]
    [InlineData("StartQuery", """{"logGroupName": "app", "startTime": 1, "endTime": 2, "queryString": "fields @timestamp, @message"}""", false)]
    public void ReadingUnmasked_NeedsLogsUnmask_OnTheLogGroup(string operation, string body, bool unmasks)
    {
        var call = JsonCalls.Resolve("logs", $"Logs_20140328.{operation}", body, "application/x-amz-json-1.1").Operation!;

        var unmask = call.AlsoRequires.Where(a => a.Action == "logs:Unmask").ToList();
        Assert.Equal(unmasks ? 1 : 0, unmask.Count);
        if (unmasks)
        {
            Assert.Equal(call.Resources, unmask[0].Resources);
            Assert.Contains(call.Resources, r => r.Contains("log-group:app", StringComparison.Ordinal));
        }
    }
}
