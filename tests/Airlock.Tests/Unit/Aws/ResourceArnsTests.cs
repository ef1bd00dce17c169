using Airlock.Aws.Resources;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

public sealed class ResourceArnsTests
{
    private static IReadOnlyList<string> Derive(string service, params string[] parameters) =>
        ResourceArns.Default.Derive(service, parameters.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]), "eu-west-1", "123456789012");

    [Theory]
    [InlineData("s3", "arn:aws:s3:::b/k/x.txt", "Bucket=b", "Key=k/x.txt")]
    [InlineData("s3", "arn:aws:s3:::b", "Bucket=b")]
    [InlineData("s3", "*")]
    [InlineData("dynamodb", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders", "TableName=orders")]
    [InlineData("dynamodb", "arn:aws:dynamodb:us-east-2:999:table/t", "TableName=arn:aws:dynamodb:us-east-2:999:table/t")]
    [InlineData("secretsmanager", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass", "SecretId=db-pass")]
    [InlineData("ssm", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db", "Name=/app/db")]
    [InlineData("lambda", "arn:aws:lambda:eu-west-1:123456789012:function:fn", "FunctionName=fn")]
    [InlineData("iam", "arn:aws:iam::123456789012:role/admin", "RoleName=admin", "PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess")]
    [InlineData("iam", "arn:aws:iam::123456789012:user/bob", "UserName=bob")]
    [InlineData("sts", "arn:aws:iam::123456789012:role/x", "RoleArn=arn:aws:iam::123456789012:role/x")]
    [InlineData("sqs", "arn:aws:sqs:eu-west-1:123456789012:jobs", "QueueUrl=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs")]
    [InlineData("sns", "arn:aws:sns:eu-west-1:123456789012:alerts", "TopicArn=arn:aws:sns:eu-west-1:123456789012:alerts")]
    [InlineData("kms", "arn:aws:kms:eu-west-1:123456789012:key/1234", "KeyId=1234")]
    [InlineData("rds", "arn:aws:rds:eu-west-1:123456789012:db:main", "DBInstanceIdentifier=main")]
    [InlineData("logs", "arn:aws:logs:eu-west-1:123456789012:log-group:/app", "logGroupName=/app")]
    [InlineData("cloudformation", "arn:aws:cloudformation:eu-west-1:123456789012:stack/web/*", "StackName=web")]
    [InlineData("ecr", "arn:aws:ecr:eu-west-1:123456789012:repository/api", "repositoryName=api")]
    [InlineData("eks", "arn:aws:eks:eu-west-1:123456789012:cluster/prod", "name=prod")]
    [InlineData("ecs", "arn:aws:ecs:eu-west-1:123456789012:cluster/c1", "cluster=c1")]
    [InlineData("translate", "*", "Text=hello")]
    public void Derive_UsesTheFirstTemplateWhoseParametersArePresent(string service, string expected, params string[] parameters)
    {
        Assert.Equal(expected, Assert.Single(Derive(service, parameters)));
    }

    [Fact]
    public void Derive_ListParameter_GivesEveryItem()
    {
        Assert.Equal(
            ["arn:aws:ec2:eu-west-1:123456789012:instance/i-1", "arn:aws:ec2:eu-west-1:123456789012:instance/i-2"],
            Derive("ec2", "InstanceId.2=i-2", "InstanceId.1=i-1"));
    }

    [Fact]
    public void Derive_AValueThatLooksLikeAPlaceholder_IsTakenLiterally()
    {
        // The caller writes parameter values: a bucket named "b{Key}" must not have the key filled into its name.
        Assert.Equal("arn:aws:s3:::b{Key}/k", Assert.Single(Derive("s3", "Bucket=b{Key}", "Key=k")));
    }

    [Fact]
    public void Derive_EveryPlaceholderOccurrence_IsFilled_AndListsCombine()
    {
        var arns = new ResourceArns(new Dictionary<string, string[]> { ["x"] = ["arn:{partition}:x:{region}:{account}:{Name.*}/{Id.*}/{Name.*}"] })
            .Derive("x", new Dictionary<string, string> { ["Name.1"] = "a", ["Name.2"] = "b", ["Id.1"] = "1", ["Id.2"] = "2" }, "eu-west-1", "123");
        Assert.Equal(
            ["arn:aws:x:eu-west-1:123:a/1/a", "arn:aws:x:eu-west-1:123:a/2/a", "arn:aws:x:eu-west-1:123:b/1/b", "arn:aws:x:eu-west-1:123:b/2/b"],
            arns);
    }
}
