using System.Diagnostics;
using System.Text;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>
/// A name twice is looked for in time linear in the names: a json object's, a query call's form. Each name compared
/// with all before it, a 10 MiB body of short names kept a core busy for minutes (100,000 took seconds).
/// </summary>
public sealed class ManyNamesTests
{
    // Not a measure of the product's speed: a bound that sets meet a hundred times over, and that a scan of 300,000
    // names, 45 billion comparisons, cannot (it took 53 s).
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(31, false)]
    [InlineData(33, false)]
    [InlineData(33, true)]
    [InlineData(300_000, false)]
    [InlineData(300_000, true)]
    public void JsonObject_OfManyNames(int count, bool withATwin)
    {
        var names = Enumerable.Range(0, count).Select(i => $"\"n{i}\":0").Append(withATwin ? "\"n7\":1" : "\"last\":1");
        var json = Encoding.UTF8.GetBytes("{\"a\":{" + string.Join(',', names) + "},\"b\":{\"n7\":2}}");

        var started = Stopwatch.GetTimestamp();
        var why = StrictJson.Check(json);

        Assert.Equal(withATwin ? "the name 'n7' appears twice in one object" : null, why);
        Assert.True(Stopwatch.GetElapsedTime(started) < Bound);
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(33, true)]
    [InlineData(300_000, false)]
    [InlineData(300_000, true)]
    public void QueryForm_OfManyParameters(int count, bool withATwin)
    {
        var form = "Action=ListTopics&Version=2010-03-31&" + string.Join('&', Enumerable.Range(0, count).Select(i => $"p{i}=0"))
            + (withATwin ? "&p7=1" : "&last=1");
        var request = new ResolveRequest(new SignableRequest("POST", "/", [],
            [new("host", "gw"), new("content-type", "application/x-www-form-urlencoded")], false), "sns", "us-east-1", Encoding.UTF8.GetBytes(form));

        var started = Stopwatch.GetTimestamp();
        var (pairs, _, why) = RequestShape.QueryPairs(request);

        Assert.Equal(withATwin ? "the parameter 'p7' is given twice" : null, why);
        Assert.Equal(count + 3, pairs.Count);
        Assert.True(Stopwatch.GetElapsedTime(started) < Bound);
    }
}
