using System.Text;
using System.Text.Json;
using Airlock.Aws.Resolution;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>The json Airlock forwards: one reading only, whichever parser reads it upstream.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}""")]
    [InlineData("""{"s":"caf\u00e9 \ud83d\ude00"}""")]
    [InlineData("""{}""")]
    public void OneReadingOnly_IsAccepted(string json) => Assert.Null(StrictJson.Check(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "appears twice")]
    [InlineData("""{"a":1,"\u0061":2}""", "appears twice")]
    [InlineData("""{"x":{"b":1,"b":2}}""", "appears twice")]
    [InlineData("""{"a":"ok\ud800"}""", "surrogate")]
    [InlineData("""{"\udc00":1}""", "surrogate")]
    [InlineData("""[1]""", "not a json object")]
    [InlineData("""{"a":1} {"b":2}""", "not valid json")]
    public void TwoReadings_AreRefusedWithWhy(string json, string why) => Assert.Contains(why, StrictJson.Check(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void ABodyNestedPastTheLimit_IsRefusedSayingSo_AlsoWhenItsNamesAreEscaped()
    {
        var json = "{\"\\u0061\":" + string.Concat(Enumerable.Repeat("[", 600)) + string.Concat(Enumerable.Repeat("]", 600)) + "}";

        Assert.Equal("the body nests deeper than 512 levels", StrictJson.Check(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void FormDelimiters_AreEscaped_AndTheValueIsTheSame()
    {
        var json = """{"k":"a&Action=DeleteTable;b","n":1}"""u8.ToArray();

        var escaped = StrictJson.WithoutFormDelimiters(json)!;

        Assert.DoesNotContain((byte)'&', escaped);
        Assert.DoesNotContain((byte)';', escaped);
        using var doc = JsonDocument.Parse(escaped);
        Assert.Equal("a&Action=DeleteTable;b", doc.RootElement.GetProperty("k").GetString());
        Assert.Null(StrictJson.WithoutFormDelimiters("""{"k":"plain"}"""u8));
    }
}
