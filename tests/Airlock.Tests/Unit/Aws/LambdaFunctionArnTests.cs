using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>A Lambda call's function as IAM names it, whichever form of FunctionName the caller used.</summary>
public sealed class LambdaFunctionArnTests
{
    private static readonly OperationResolver Resolver = new(ServiceCatalog.Default);
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:";

    [Theory]
    [InlineData("my-fn", "", Fn + "my-fn")]
    [InlineData("my-fn%3Aprod", "", Fn + "my-fn:prod")]
    [InlineData("my-fn", "Qualifier=7", Fn + "my-fn:7")]
    [InlineData("my-fn%3A%24LATEST", "", Fn + "my-fn:$LATEST")]
    [InlineData("123456789012%3Afunction%3Amy-fn", "", Fn + "my-fn")]
    [InlineData("210987654321%3Afunction%3Amy-fn%3Aprod", "", "arn:aws:lambda:us-east-1:210987654321:function:my-fn:prod")]
    [InlineData("arn%3Aaws%3Alambda%3Aeu-west-1%3A210987654321%3Afunction%3Amy-fn", "", "arn:aws:lambda:eu-west-1:210987654321:function:my-fn")]
    [InlineData("arn%3Aaws%3Alambda%3Aeu-west-1%3A210987654321%3Afunction%3Amy-fn", "Qualifier=prod", "arn:aws:lambda:eu-west-1:210987654321:function:my-fn:prod")]
    [InlineData("my-fn%3Aprod", "Qualifier=beta", Fn + "my-fn:prod," + Fn + "my-fn:beta")]
    public void Invoke_IsAuthorizedOnTheFunctionAsIamNamesIt(string name, string query, string arns)
    {
        var head = new SignableRequest("POST", $"/2015-03-31/functions/{name}/invocations", CanonicalQuery.Parse(query), [new("host", "gw")], false);

        var result = Resolver.Resolve(new ResolveRequest(head, "lambda", "us-east-1", ReadOnlyMemory<byte>.Empty, "123456789012"));

        var call = result.Operation ?? throw new InvalidOperationException(result.Error);
        Assert.Equal("Invoke", call.Operation.Name);
        Assert.Equal(arns.Split(','), call.Resources);
    }
}
