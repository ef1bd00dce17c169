using Airlock.Aws.SigV4;

namespace Airlock.Gateway;

/// <summary>
/// Whether an HTTP request carries an AWS signature. Every AWS call through Airlock must, and none of Airlock's own
/// endpoints, its console or its probe takes one, so a signed request always goes the way of AWS calls, whatever its
/// path says: an S3 object whose key looks like one of Airlock's paths stays an object.
/// </summary>
internal static class AwsSignature
{
    /// <summary>Signed in its <c>Authorization</c> header (<c>AWS4-HMAC-SHA256 …</c>) or presigned in its query.</summary>
    public static bool IsCarriedBy(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("AWS", StringComparison.OrdinalIgnoreCase) || IsPresigned(request);

    /// <summary>A presigned URL's signature, in the query.</summary>
    public static bool IsPresigned(HttpRequest request) =>
        request.Query.Keys.Any(SigV4Authorization.MarksPresigned);
}
