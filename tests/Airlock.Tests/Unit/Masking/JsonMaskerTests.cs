using System.Text;
using System.Text.Json;
using Airlock.Aws.Catalog;
using Airlock.Masking;
using Airlock.Masking.Detectors;

using Xunit;

namespace Airlock.Tests.Unit.Masking;

public sealed class JsonMaskerTests
{
    private static readonly Masker Masker = new(new byte[32]);

    internal static MaskPlan Plan(IEnumerable<(string Path, ScalarKind Kind)>? fields = null, bool detectors = true, string[]? pageTokens = null, bool xml = false)
    {
        var trie = new PathTrie<FieldMask>();
        foreach (var (path, kind) in fields ?? [])
        {
            trie.Add(path.StartsWith('$') ? FieldPath.Parse(path).Segments : path.Split('/'), new FieldMask("model", MaskStyle.Full, kind));
        }

        var active = detectors ? BuiltInDetectors.All.Select(d => (d, d.DefaultStyle)).ToArray() : [];
        return new MaskPlan(xml ? new() : trie, xml ? trie : new(), new Dictionary<string, FieldMask>(), null,
            new DetectorSet(active, Masker), new HashSet<string>(pageTokens ?? []), false);
    }

    private static (string? Masked, MaskReport Report) Mask(string json, MaskPlan plan, bool dynamoDb = false)
    {
        var report = new MaskReport();
        var masked = JsonMasker.Mask(Encoding.UTF8.GetBytes(json), plan, Masker, dynamoDb, report);
        return (masked is null ? null : Encoding.UTF8.GetString(masked), report);
    }

    [Fact]
    public void MasksModelMembersAndKeepsTheRestByteForByte()
    {
        var json = """{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",  "Name":"db","SecretString":"{\"password\":\"hunter2\"}","SecretBinary":"c2VjcmV0","VersionId":"v1"}""";
        var (masked, report) = Mask(json, Plan([("SecretString", ScalarKind.String), ("SecretBinary", ScalarKind.Blob)]));
        Assert.Equal(json.Replace("""{\"password\":\"hunter2\"}""", "****").Replace("c2VjcmV0", Convert.ToBase64String("****"u8)), masked);
        Assert.Equal(["SecretBinary by model", "SecretString by model"], report.Fields.Order());
    }

    [Fact]
    public void NothingToMaskGivesNull()
    {
        var (masked, report) = Mask("""{"TableNames":["a","b"],"Count":2}""", Plan([("Secret", ScalarKind.String)]));
        Assert.Null(masked);
        Assert.Empty(report.Fields);
    }

    [Fact]
    public void ListItemsAndMapValuesMatchStar()
    {
        var json = """{"SecretValues":[{"Name":"a","SecretString":"x1"},{"Name":"b","SecretString":"x2"}],"Tags":{"k1":"v1","k2":"v2"}}""";
        var (masked, _) = Mask(json, Plan([("SecretValues/*/SecretString", ScalarKind.String), ("Tags/*", ScalarKind.String)], detectors: false));
        using var doc = JsonDocument.Parse(masked!);
        Assert.All(doc.RootElement.GetProperty("SecretValues").EnumerateArray(), e => Assert.Equal("****", e.GetProperty("SecretString").GetString()));
        Assert.Equal("a", doc.RootElement.GetProperty("SecretValues")[0].GetProperty("Name").GetString());
        Assert.Equal("****", doc.RootElement.GetProperty("Tags").GetProperty("k2").GetString());
    }

    [Fact]
    public void NumbersAndBooleansThatAreSensitiveBecomeNull()
    {
        var (masked, _) = Mask("""{"Distance":1234.5,"Exact":true,"Name":"x"}""", Plan([("Distance", ScalarKind.Other), ("Exact", ScalarKind.Other)], detectors: false));
        Assert.Equal("""{"Distance":null,"Exact":null,"Name":"x"}""", masked);
    }

    [Fact]
    public void AValuePairedWithAPasswordsName_IsMasked_AndOtherPairsKept()
    {
        // CodeBuild's environment variables: the password is only known by the name beside it.
        var json = """
            {"environmentVariables":[{"name":"DB_PASSWORD","value":"hunter2-xyz","type":"PLAINTEXT"},{"name":"STAGE","value":"prod"}],
             "tags":[{"key":"owner","value":"team-a"}],"settings":{"value":"left"}}
            """;
        var (masked, report) = Mask(json, Plan());
        using var doc = JsonDocument.Parse(masked!);
        var variables = doc.RootElement.GetProperty("environmentVariables");
        Assert.Equal("[password:****]", variables[0].GetProperty("value").GetString());
        Assert.Equal("prod", variables[1].GetProperty("value").GetString());
        Assert.Equal("team-a", doc.RootElement.GetProperty("tags")[0].GetProperty("value").GetString());
        Assert.Equal("left", doc.RootElement.GetProperty("settings").GetProperty("value").GetString());
        Assert.Equal(["environmentVariables/*/value by detector:password"], report.Fields);
    }

    [Fact]
    public void APairsValueGivenBeforeItsName_IsMaskedOnceTheNameComes()
    {
        // An agent's request may put the value first; an edit made after it (the email) stays in order.
        var json = """{"env":[{"value":"hunter2-xyz","note":"bob@example.com","name":"DB_PASSWORD"},{"value":"prod","name":"STAGE"}]}""";
        var (masked, report) = Mask(json, Plan());
        Assert.Equal("""{"env":[{"value":"[password:****]","note":"[email:****]","name":"DB_PASSWORD"},{"value":"prod","name":"STAGE"}]}""", masked);
        Assert.Contains("env/*/value by detector:password", report.Fields);
    }

    [Fact]
    public void ADynamoDbItemsNameValuePair_IsJudgedByTheNameAttribute_InEitherOrder()
    {
        var json = """
            {"Items":[{"Name":{"S":"DB_PASSWORD"},"Value":{"S":"hunter2-xyz"}},{"Value":{"S":"s3cr3t-abc"},"Key":{"S":"api_password"}},
             {"Name":{"S":"STAGE"},"Value":{"S":"prod"}},{"Name":{"S":"DB_PASSWORD"},"Value":{"N":"1234"}}]}
            """;
        var (masked, _) = Mask(json, Plan(), dynamoDb: true);
        using var doc = JsonDocument.Parse(masked!);
        var items = doc.RootElement.GetProperty("Items");
        Assert.Equal("[password:****]", items[0].GetProperty("Value").GetProperty("S").GetString());
        Assert.Equal("[password:****]", items[1].GetProperty("Value").GetProperty("S").GetString());
        Assert.Equal("prod", items[2].GetProperty("Value").GetProperty("S").GetString());
        Assert.DoesNotContain("hunter2", masked);
        Assert.DoesNotContain("s3cr3t", masked);
    }

    [Fact]
    public void DetectorsMaskInsideStringsAndEscapesStayValid()
    {
        var json = """{"Item":{"note":{"S":"mail \"bob\" at bob@example.com\n"},"card":{"S":"4111111111111111"}}}""";
        var (masked, report) = Mask(json, Plan(), dynamoDb: true);
        using var doc = JsonDocument.Parse(masked!);
        var item = doc.RootElement.GetProperty("Item");
        Assert.Equal("mail \"bob\" at [email:****]\n", item.GetProperty("note").GetProperty("S").GetString());
        Assert.Equal("[credit-card:****1111]", item.GetProperty("card").GetProperty("S").GetString());
        Assert.Contains("Item/note/S by detector:email", report.Fields);
    }

    [Fact]
    public void ADynamoDbNumberThatIsMaskedBecomesAString()
    {
        var json = """{"Item":{"card":{"N":"4111111111111111"},"n":{"N":"42"},"cards":{"NS":["5555555555554444","7"]}}}""";
        var (masked, _) = Mask(json, Plan(), dynamoDb: true);
        Assert.Equal("""{"Item":{"card":{"S":"[credit-card:****1111]"},"n":{"N":"42"},"cards":{"SS":["[credit-card:****4444]","7"]}}}""", masked);
    }

    [Fact]
    public void PageTokensAreLeftForTheNextPage()
    {
        var json = """{"Items":[{"pk":{"S":"alice@example.com"}}],"LastEvaluatedKey":{"pk":{"S":"alice@example.com"}}}""";
        var (masked, _) = Mask(json, Plan(pageTokens: ["LastEvaluatedKey"]), dynamoDb: true);
        Assert.Equal("""{"Items":[{"pk":{"S":"[email:****]"}}],"LastEvaluatedKey":{"pk":{"S":"alice@example.com"}}}""", masked);
    }

    [Fact]
    public void ConfiguredJsonPathsWithWildcardsAndDescent()
    {
        var json = """{"Items":[{"ssn":{"S":"x"},"name":{"S":"a"}}],"Deep":{"a":{"password":"p","other":1}}}""";
        var (masked, _) = Mask(json, Plan([("$.Items[*].ssn.S", ScalarKind.String), ("$..password", ScalarKind.String)], detectors: false));
        Assert.Equal("""{"Items":[{"ssn":{"S":"****"},"name":{"S":"a"}}],"Deep":{"a":{"password":"****","other":1}}}""", masked);
    }

    [Fact]
    public void APathToAnObjectMasksEverythingBelowIt()
    {
        var (masked, _) = Mask("""{"Credentials":{"AccessKeyId":"A","Expiration":1700000000},"Other":"o"}""", Plan([("$.Credentials", ScalarKind.String)], detectors: false));
        Assert.Equal("""{"Credentials":{"AccessKeyId":"****","Expiration":null},"Other":"o"}""", masked);
    }

    [Fact]
    public void MalformedJsonThrows()
    {
        Assert.ThrowsAny<JsonException>(() => Mask("""{"SecretString":"abc" """, Plan([("SecretString", ScalarKind.String)])));
    }
}
