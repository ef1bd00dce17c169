using Airlock.Aws.SigV4;

namespace Airlock.Gateway;

// Reading what the caller sent: its authorization, payload kind and S3 addressing.
internal sealed partial class GatewayHandler
{
    private static SigV4Authorization? ReadAuthorization(SignableRequest head, out bool present)
    {
        var header = head.Header("authorization");
        if (header is not null)
        {
            present = true;
            return SigV4Authorization.FromHeader(header, head.Header("x-amz-date"), head.Header("x-amz-security-token"));
        }

        present = SigV4Authorization.IsPresignedQuery(head.Query);
        return present ? SigV4Authorization.FromQuery(head.Query) : null;
    }
}
