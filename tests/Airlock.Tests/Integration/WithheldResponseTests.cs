using System.Text.Json;
using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// A mutation that ran upstream but whose response Airlock cannot mask (here: larger than masking.maxBodyBytes) is
/// answered once, with an error no SDK retries, and recorded as executed: it never runs twice.
/// </summary>
// In the shared collection only to run one at a time with the other heavy tests; it has a stack of its own.
[Collection(AirlockCollection.Name)]
public sealed class WithheldResponseTests : IAsyncLifetime
{
    private readonly AirlockEnvironment env = new() { MaskingMaxBodyBytes = 64 * 1024 };

    public Task InitializeAsync() => env.InitializeAsync();

    public Task DisposeAsync() => env.DisposeAsync();

    [Fact]
    public async Task UnmaskableResponseOfAMutation_RunsOnce_TheSdkGetsOneClearError()
    {
        var table = AirlockEnvironment.UniqueName("withheld");
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")).ExitCode);
        var item = Path.Combine(env.WorkDir, table + ".json");
        await File.WriteAllTextAsync(item, JsonSerializer.Serialize(new { pk = new { S = "big" }, blob = new { S = new string('x', 100_000) } }));
        Assert.Equal(0, (await env.MotoAsync("dynamodb", "put-item", "--table-name", table, "--item", "file://" + item)).ExitCode);
        var agent = await env.NewSessionAsync(groups: ["agents"]);

        // Each run of UpdateItem adds one to the counter; its ALL_NEW response carries the 100 KB item back.
        var result = await env.Boto3Async(agent, $$$"""
            c = boto3.client('dynamodb', config=botocore.config.Config(retries={'mode': 'standard', 'max_attempts': 5}))
            try:
                c.update_item(TableName='{{{table}}}', Key={'pk': {'S': 'big'}}, UpdateExpression='ADD runs :one',
                              ExpressionAttributeValues={':one': {'N': '1'}}, ReturnValues='ALL_NEW')
                print('answered')
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['RetryAttempts'])
                print(e.response['Error']['Message'])
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n');
        Assert.Equal("AirlockResponseWithheld 424 0", lines[0].Trim());
        Assert.Contains("The call has taken effect: do not retry it.", lines[1]);
        var runs = await env.MotoAsync("dynamodb", "get-item", "--table-name", table, "--key", """{"pk":{"S":"big"}}""",
            "--projection-expression", "runs", "--query", "Item.runs.N", "--output", "text");
        Assert.Equal("1", runs.StdOut.Trim());
        var record = Assert.Single(await env.AuditAsync(), e => e.Operation == "UpdateItem");
        Assert.Equal(200, record.UpstreamStatus);
        Assert.Contains("executed upstream (status 200", record.Reason);
        Assert.Contains("larger than masking.maxBodyBytes", record.Reason);
    }
}
