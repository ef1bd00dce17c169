using Airlock.Aws.Errors;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;

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

    /// <summary>The first x-amz-* header the caller sent but did not sign (a presigned URL signs only what it lists), or null.</summary>
    private static string? UnsignedAmzHeader(SignableRequest head, SigV4Authorization auth)
    {
        foreach (var (name, _) in head.Headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.Ordinal) && !auth.SignedHeaders.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }
        }

        return null;
    }

    private static bool IsHexSha256(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>A json, query or small S3 body read whole, within the size limit and the in-memory budget; null once the call is refused.</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBufferedBodyAsync(CallContext call)
    {
        var read = await IncomingRequest.ReadBodyAsync(call.Http.Request, options.MaxBufferedBodyBytes, bodyBudget, call.Http.RequestAborted);
        if (read.Refusal is { } refusal)
        {
            await RefuseAsync(call, refusal);
            return null;
        }

        return read.Body;
    }

    /// <summary>The bucket of a virtual-hosted S3 call (<c>bucket.s3.airlock.example.com</c>), or null for path style.</summary>
    private string? VirtualHostedBucket(SignableRequest head)
    {
        var host = head.Header("host") ?? "";
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.EndsWith(']'))
        {
            host = host[..colon];
        }

        foreach (var suffix in options.S3VirtualHostSuffixes)
        {
            if (host.Length > suffix.Length + 1 && host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase))
            {
                var bucket = host[..^(suffix.Length + 1)].ToLowerInvariant();
                return bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.') ? bucket : null;
            }
        }

        return null;
    }

    /// <summary>Why an aws-chunked upload cannot be taken, or null when its headers are complete.</summary>
    private static AwsError? ChunkedUploadError(SignableRequest head, string payload, out long decodedLength, out string? trailerName)
    {
        trailerName = null;
        decodedLength = 0;
        if (!StreamingPayload.IsSupported(payload))
        {
            return new AwsError(501, "NotImplemented", $"Airlock does not accept {payload} uploads; use SigV4 (not SigV4a) signing.");
        }

        if (!long.TryParse(head.Header("x-amz-decoded-content-length"), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out decodedLength))
        {
            return new AwsError(411, "MissingContentLength", "aws-chunked uploads must carry x-amz-decoded-content-length.");
        }

        if (StreamingPayload.HasTrailer(payload))
        {
            trailerName = head.Header("x-amz-trailer")?.Trim().ToLowerInvariant();
            if (trailerName is null || StreamingPayload.TrailerValueLength(trailerName) is null)
            {
                return AwsError.Malformed($"aws-chunked uploads with a trailer must announce one checksum trailer (x-amz-trailer); got '{trailerName}'.");
            }
        }

        return null;
    }
}
