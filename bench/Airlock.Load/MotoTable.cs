namespace Airlock.Load;

/// <summary>The table and item the json workload reads, created in moto (which checks no signatures when started without auth).</summary>
internal static class MotoTable
{
    public static async Task CreateAsync(Uri moto, Credentials credentials)
    {
        using var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false });
        await CallAsync(client, moto, credentials, "CreateTable",
            "{\"TableName\":\"orders\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
        await CallAsync(client, moto, credentials, "PutItem",
            "{\"TableName\":\"orders\",\"Item\":{\"pk\":{\"S\":\"order-000001\"},\"status\":{\"S\":\"shipped\"},\"total\":{\"N\":\"129.95\"},\"notes\":{\"S\":\"Leave at the back door; ring twice.\"}}}");
    }

    private static async Task CallAsync(HttpMessageInvoker client, Uri moto, Credentials credentials, string operation, string body)
    {
        var call = new Workload(operation, "dynamodb", "POST", "/",
            new Dictionary<string, string> { ["x-amz-target"] = "DynamoDB_20120810." + operation, ["content-type"] = "application/x-amz-json-1.0" },
            PayloadBody.Of(body), 0, [1], false);
        using var response = await client.SendAsync(call.Sign(moto, credentials), CancellationToken.None);
        // A table left by an earlier run is fine.
        if (!response.IsSuccessStatusCode && !(await response.Content.ReadAsStringAsync()).Contains("ResourceInUseException"))
        {
            throw new InvalidOperationException($"moto refused {operation}: {(int)response.StatusCode}");
        }
    }
}
