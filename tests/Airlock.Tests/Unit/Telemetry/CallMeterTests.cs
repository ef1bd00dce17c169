using Airlock.Telemetry;
using Xunit;

namespace Airlock.Tests.Unit.Telemetry;

public sealed class CallMeterTests
{
    [Fact]
    public void AnEnabledMeter_CountsEachCallInItsSeries_EvenWhenTheSeriesIsCachedAlready()
    {
        var meter = new CallMeter(true);
        meter.Decided("meter-test", "meter-conn", "dynamodb", "GetItem", "allow");
        meter.Decided("meter-test", "meter-conn", "dynamodb", "GetItem", "allow");
        meter.Decided("meter-test", "meter-conn", "dynamodb", "GetItem", "deny");
        meter.Ran("meter-test", "meter-conn", "dynamodb", 200, 0.004, 0.001, []);
        meter.Ran("meter-test", "meter-conn", "dynamodb", null, 0.003, 0.003, []);

        Assert.Equal(2, CallMetrics.Decisions.WithLabels("meter-test", "meter-conn", "dynamodb", "GetItem", "allow").Value);
        Assert.Equal(1, CallMetrics.Decisions.WithLabels("meter-test", "meter-conn", "dynamodb", "GetItem", "deny").Value);
        Assert.Equal(2, CallMetrics.Duration.WithLabels("meter-test", "dynamodb").Count);
        Assert.Equal(0.003, CallMetrics.OwnTime.WithLabels("meter-test", "dynamodb").Sum, 9);
        Assert.Equal(1, CallMetrics.Upstream.WithLabels("meter-conn", "dynamodb", "2xx").Count);
        Assert.Equal(1, CallMetrics.Upstream.WithLabels("meter-conn", "dynamodb", "none").Count);
    }

    [Fact]
    public void MaskedFields_AreCountedByWhatAskedForThem()
    {
        double Count(string source) => CallMetrics.Masked.WithLabels(source).Value;
        var before = (Model: Count("model"), Rule: Count("rule"), Detector: Count("detector"), Unknown: Count("unknown"));

        new CallMeter(true).Ran("meter-test-masked", "meter-conn", "ssm", 200, 0.01, 0.005,
            ["Parameter.Value by model", "Item.password.S by rule:passwords", "Body by detector:aws-secret-key", "Item.token.S by rule:tokens", "no source"]);

        Assert.Equal(before.Model + 1, Count("model"));
        Assert.Equal(before.Rule + 2, Count("rule"));
        Assert.Equal(before.Detector + 1, Count("detector"));
        Assert.Equal(before.Unknown + 1, Count("unknown"));
    }

    [Fact]
    public void AMeterThatIsOff_RecordsNothing()
    {
        var meter = new CallMeter(false);
        meter.Decided("meter-test-off", "meter-conn", "s3", "GetObject", "allow");
        meter.Ran("meter-test-off", "meter-conn", "s3", 200, 0.01, 0.005, ["Body by model"]);

        Assert.Equal(0, CallMetrics.Decisions.WithLabels("meter-test-off", "meter-conn", "s3", "GetObject", "allow").Value);
        Assert.Equal(0, CallMetrics.Duration.WithLabels("meter-test-off", "s3").Count);
    }
}
