using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Aws.Errors;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Masking;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>
/// What a verified SigV4 call is: its operation, resources and parameters (an S3 call seen path-style, a small S3 body
/// read and checked against its signed hash first), written onto the call as its record will name it.
/// </summary>
internal sealed class AwsCallResolver(OperationResolver resolver, Connections connections, BufferedBodyReader bodies, MaskPlanner masking, GatewayOptions options)
{
    /// <summary>The resolved call, and the request as it goes on (path-style, with any body read), or the refusal.</summary>
    public sealed record Resolved(ResolvedOperation Operation, SigV4Authenticator.Verified Verified);

    public async Task<(Resolved? Resolved, AwsError? Refused)> ResolveAsync(CallContext call, SigV4Authenticator.Verified verified, SigV4Authorization auth)
    {
        var head = verified.Head;
        // From here on an S3 call is seen path-style, whichever addressing the caller signed.
        if (head.IsS3 && VirtualHostedBucket(head) is { } bucket)
        {
            head = head with { RawPath = "/" + bucket + head.RawPath };
        }

        var body = verified.Body;
        var account = connections.Find(verified.Session.Connection)?.AccountId ?? "000000000000";
        var resolved = resolver.Resolve(new ResolveRequest(head, auth.Scope.Service, auth.Scope.Region, body, account));
        if (head.IsS3 && resolved.Operation is { Operation.StreamingInput: false } structured && StreamingPayload.IsStreaming(verified.PayloadHash))
        {
            // aws-chunked is for an object's bytes, which are streamed unread; a body that says what the call does (the
            // keys a DeleteObjects deletes) must be read before it is decided, and the SDKs send those whole.
            return (null, new AwsError(400, "InvalidRequest",
                $"Airlock reads the {structured.Operation.Name} body before deciding the call: send it whole, not aws-chunked."));
        }

        if (head.IsS3 && resolved.Operation is { Operation.StreamingInput: false } && BufferedBodyReader.HasBody(call.Http.Request))
        {
            // Small S3 bodies (DeleteObjects, tagging, CompleteMultipartUpload) are read whole and checked like json/query ones.
            var (read, tooMuch) = await bodies.ReadAsync(call.Http.Request, call.Aborted);
            if (tooMuch is not null)
            {
                return (null, tooMuch);
            }

            if (SigV4Primitives.IsHexSha256(verified.PayloadHash)
                && !string.Equals(verified.PayloadHash, SigV4Primitives.Sha256Hex(read.Span), StringComparison.OrdinalIgnoreCase))
            {
                return (null, new AwsError(400, "XAmzContentSHA256Mismatch", "The body does not match its x-amz-content-sha256."));
            }

            body = read;
            resolved = resolver.Resolve(new ResolveRequest(head, auth.Scope.Service, auth.Scope.Region, body, account));
        }

        if (resolved.Operation is not { } operation)
        {
            return (null, AwsError.UnknownOperation(resolved.Error + " Airlock refuses calls it cannot understand."));
        }

        Describe(call, operation, auth.Scope.Region, body);
        return (new Resolved(operation, verified with { Head = head, Body = body }), null);
    }

    /// <summary>Writes what the call is onto it, as its record names it.</summary>
    private void Describe(CallContext call, ResolvedOperation operation, string region, ReadOnlyMemory<byte>? body)
    {
        call.Service = operation.Service.Id;
        call.Operation = operation.Operation.Name;
        call.Protocol = operation.WireProtocol;
        // The record names everything the call touches: a copy's source and each key deleted, as well as its own resources.
        call.Resources = operation.AlsoRequires.Count == 0 ? operation.Resources
            : operation.Resources.Concat(operation.AlsoRequires.SelectMany(a => a.Resources)).Distinct().ToArray();
        call.Action = operation.Action;
        call.Region = region;
        call.Parameters = masking.MaskRecorded(operation.RecordableParameters());
        var (path, normalizedPath, headers) = RecordedRequest.WithoutSensitiveInput(call.Origin.Path, call.Origin.NormalizedPath, call.Headers, operation.Operation, operation.Parameters);
        (call.Origin, call.Headers) = (call.Origin with { Path = path, NormalizedPath = normalizedPath }, headers);
        if (body is { } buffered)
        {
            call.RequestBody = RecordedRequest.Body(buffered.Span, options.RecordedRequestBodyBytes, operation.Operation.SensitiveInput.Count > 0, masking,
                json: WireProtocol.IsJson(operation.WireProtocol), dynamoDb: operation.Service.IsDynamoDb, form: WireProtocol.IsForm(operation.WireProtocol));
        }
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
}
