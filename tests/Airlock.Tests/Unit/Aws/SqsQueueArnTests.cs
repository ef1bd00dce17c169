using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>An SQS call's queue in the account and region its URL names, not the connection's.</summary>
public sealed class SqsQueueArnTests
{
    [Theory]
    [InlineData("SendMessage", """{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "MessageBody": "x"}""", "arn:aws:sqs:us-east-1:123456789012:jobs")]
    [InlineData("SendMessage", """{"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/210987654321/jobs.fifo", "MessageBody": "x"}""", "arn:aws:sqs:eu-west-1:210987654321:jobs.fifo")]
    [InlineData("PurgeQueue", """{"QueueUrl": "https://us-west-2.queue.amazonaws.com/210987654321/jobs"}""", "arn:aws:sqs:us-west-2:210987654321:jobs")]
    [InlineData("DeleteQueue", """{"QueueUrl": "http://127.0.0.1:4566/210987654321/jobs"}""", "arn:aws:sqs:us-east-1:210987654321:jobs")]
    [InlineData("GetQueueUrl", """{"QueueName": "jobs", "QueueOwnerAWSAccountId": "210987654321"}""", "arn:aws:sqs:us-east-1:210987654321:jobs")]
    [InlineData("GetQueueUrl", """{"QueueName": "jobs"}""", "arn:aws:sqs:us-east-1:123456789012:jobs")]
    public void TheQueueIsTheOneItsUrlNames(string operation, string body, string arn)
    {
        var result = JsonCalls.Resolve("sqs", $"AmazonSQS.{operation}", body);

        var call = result.Operation ?? throw new InvalidOperationException(result.Error);
        Assert.Equal(arn, Assert.Single(call.Resources));
    }
}
