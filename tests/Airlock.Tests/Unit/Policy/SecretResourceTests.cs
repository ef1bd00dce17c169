using Airlock.Tests.Unit.Aws;
using Xunit;

namespace Airlock.Tests.Unit.Policy;

/// <summary>
/// A secret named without the suffix AWS appends to its ARN: decided as any secret of that name could be, so a Deny
/// written as AWS suggests applies, and an Allow must cover every secret of the name.
/// </summary>
public sealed class SecretResourceTests
{
    private const string Secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

    [Theory]
    [InlineData("""{"SecretId": "prod/db"}""", Secret + "prod/db-??????")]
    [InlineData("""{"SecretId": "arn:aws:secretsmanager:us-east-1:210987654321:secret:prod/db"}""", "arn:aws:secretsmanager:us-east-1:210987654321:secret:prod/db-??????")]
    [InlineData("""{"SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"}""", Secret + "prod/db-AbCdEf")]
    public void ASecretNamedWithoutItsSuffix_IsEverySecretOfTheName(string body, string resource)
    {
        var call = JsonCalls.Resolve("secretsmanager", "secretsmanager.GetSecretValue", body, "application/x-amz-json-1.1").Operation!;

        Assert.Equal(resource, Assert.Single(call.Resources));
    }

    [Theory]
    // Denies: as AWS suggests, the full ARN, a prefix, the name as Airlock read it before; not another secret.
    [InlineData("Deny", Secret + "prod/db-??????", true)]
    [InlineData("Deny", Secret + "prod/db-AbCdEf", true)]
    [InlineData("Deny", Secret + "prod/*", true)]
    [InlineData("Deny", Secret + "prod/db", true)]
    [InlineData("Deny", Secret + "prod/dbx-??????", false)]
    [InlineData("Deny", Secret + "prod/db-AbCdEf-??????", false)]
    // Allows: every secret of the name, or the name as Airlock read it before; not one ARN the call may not be.
    [InlineData("Allow", Secret + "prod/db-??????", true)]
    [InlineData("Allow", Secret + "prod/*", true)]
    [InlineData("Allow", Secret + "prod/db", true)]
    [InlineData("Allow", Secret + "prod/db-AbCdEf", false)]
    public void Statements_CoverTheSecretAsItsArnCouldBe(string effect, string pattern, bool covers)
    {
        var policy = PolicyTestKit.Compile($"""
            Statement:
              - Sid: Agents
                Effect: Allow
                Principal: "*"
                Action: secretsmanager:GetSecretValue
                Resource: "{(effect == "Allow" ? pattern : "*")}"
              - Sid: Kept
                Effect: Deny
                Principal: "*"
                Action: secretsmanager:GetSecretValue
                Resource: "{(effect == "Deny" ? pattern : "arn:aws:s3:::none")}"
            """);

        var decision = policy.Evaluate(PolicyTestKit.Request("secretsmanager:GetSecretValue", $"resource={Secret}prod/db-??????"));

        Assert.Equal(effect == "Allow" ? covers : !covers, decision.IsAllowed);
    }
}
