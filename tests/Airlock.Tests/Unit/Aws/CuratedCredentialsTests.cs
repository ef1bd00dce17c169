using Airlock.Aws.Catalog;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>
/// Credentials the AWS models leave unmarked reach the catalog as if marked (tools/sensitive-exceptions.json): masked
/// where an answer carries them, left out of the record where a request does. One case per kind; moto runs none of these.
/// </summary>
public sealed class CuratedCredentialsTests
{
    [Theory]
    [InlineData("directconnect", "DescribeVirtualInterfaces", "body|virtualInterfaces/*/authKey|s")]
    [InlineData("firehose", "DescribeDeliveryStream", "body|DeliveryStreamDescription/Destinations/*/SplunkDestinationDescription/HECToken|s")]
    [InlineData("connect", "StartChatContact", "body|ParticipantToken|s")]
    [InlineData("connectparticipant", "CreateParticipantConnection", "body|ConnectionCredentials/ConnectionToken|s")]
    [InlineData("grafana", "DescribeWorkspace", "body|workspace/grafanaToken|s")]
    [InlineData("appsync", "ListApiKeys", "body|apiKeys/*/id|s")]
    public void AnAnswersUnmarkedCredential_IsMasked(string service, string operation, string maskOutput)
    {
        Assert.Contains(maskOutput, Operation(service, operation).MaskOutput);
    }

    [Theory]
    [InlineData("elasticache", "ModifyReplicationGroup", "AuthToken")]
    [InlineData("directconnect", "CreatePrivateVirtualInterface", "newPrivateVirtualInterface")]
    [InlineData("pinpoint", "UpdateGcmChannel", "GCMChannelRequest")]
    [InlineData("glue", "UpdateJobFromSourceControl", "AuthToken")]
    [InlineData("connectparticipant", "SendMessage", "ConnectionToken")]
    [InlineData("appsync", "DeleteApiKey", "id")]
    [InlineData("wafv2", "GetDecryptedAPIKey", "APIKey")]
    [InlineData("iot", "TestInvokeAuthorizer", "mqttContext")]
    public void ARequestsUnmarkedCredential_IsNotRecorded(string service, string operation, string member)
    {
        Assert.Contains(member, Operation(service, operation).SensitiveInput);
    }

    private static OperationModel Operation(string service, string name) =>
        ServiceCatalog.Default.Services.Single(s => s.Id == service).Operations.Single(o => o.Name == name);
}
