using System.Diagnostics;
using System.Net;
using Airlock.Aws.SigV4;
using Airlock.Aws.Streaming;
using Airlock.Masking;
using Airlock.Primitives;

namespace Airlock.Upstream;

/// <summary>
/// Re-signs a call with the connection's upstream credential and streams it, request and response,
/// between the caller and the connection's endpoint.
/// </summary>
internal sealed class Forwarder(HttpMessageInvoker client, TimeProvider time)
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256", "expect",
        "connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
        "content-length",
    };

    /// <summary>Headers that carry no authority, which AWS accepts unsigned (a presigned PUT's Content-Type, a Range): forwarded unsigned.</summary>
    private static readonly HashSet<string> UnsignedPassThrough = new(StringComparer.Ordinal)
    {
        "content-type", "content-md5", "content-encoding", "content-language", "content-disposition", "cache-control", "expires",
        "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "user-agent", "accept",
    };

    private static readonly HashSet<string> NotReturned = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "trailer",
    };

    public static HttpMessageInvoker CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        EnableMultipleHttp2Connections = true,
        // No trace headers are added to what goes upstream: the request is exactly what Airlock signed.
        ActivityHeadersPropagator = null,
    });

    /// <summary>Sends a <see cref="Prepare"/>d request and streams its response to the caller.</summary>
    public async Task<ForwardResult> SendAsync(HttpContext context, ForwardRequest request, HttpRequestMessage message)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, context.RequestAborted);
        }
        catch (Exception e) when (FindBodyError(e) is { } bodyError)
        {
            return new(ForwardOutcome.RequestBodyInvalid, null, bodyError);
        }
        catch (Exception e) when ((e is OperationCanceledException && context.RequestAborted.IsCancellationRequested) || CallerBodyBrokeOff(e))
        {
            return new(ForwardOutcome.ClientAborted, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new(NeverSent(e) ? ForwardOutcome.UpstreamUnreachable : ForwardOutcome.UpstreamAnswerLost, null);
        }

        var headersAt = Stopwatch.GetTimestamp();
        using (response)
        {
            var result = await RelayAsync(context, request, response);
            return result with { HeadersAt = headersAt, UpstreamRequestId = UpstreamRequestId(response) };
        }
    }

    private static async Task<ForwardResult> RelayAsync(HttpContext context, ForwardRequest request, HttpResponseMessage response)
    {
        if (request.Masking is { Caller.IsEmpty: false } masking)
        {
            return await ForwardMaskedAsync(context, response, masking);
        }

        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(outgoing, response.Headers.Concat(response.Content.Headers));
        var copy = new ResponseCopy(request.RecordResponseBytes);
        try
        {
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                await copy.CopyAsync(body, outgoing.BodyWriter, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            // The response had started: the only honest signal left is to cut the connection.
            return new(Cut(context, e), (int)response.StatusCode);
        }

        return new(ForwardOutcome.Completed, (int)response.StatusCode) { RecordedResponse = request.RecordResponseBytes > 0 ? copy.Kept : null };
    }

    private static string? UpstreamRequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amz-request-id", out var s3) ? s3.FirstOrDefault()
        : response.Headers.TryGetValues("x-amzn-RequestId", out var json) ? json.FirstOrDefault()
        : null;

    private static async Task<ForwardResult> ForwardMaskedAsync(HttpContext context, HttpResponseMessage response, ResponseMasking masking)
    {
        try
        {
            var (status, report, failure) = await MaskedResponse.WriteAsync(context, response, masking, CopyHeaders);
            return failure is null
                ? new(ForwardOutcome.Completed, status) { Masked = report }
                : new(ForwardOutcome.MaskingFailed, status, new InvalidDataException(failure)) { Masked = report };
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            return new(Cut(context, e), (int)response.StatusCode);
        }
    }

    /// <summary>Cuts the caller's connection after a relay broke, and says who broke it: the caller, or the upstream's answer.</summary>
    private static ForwardOutcome Cut(HttpContext context, Exception broke)
    {
        var outcome = context.RequestAborted.IsCancellationRequested || broke is ResponseCopy.CallerGoneException
            ? ForwardOutcome.ClientAborted
            : ForwardOutcome.UpstreamAnswerBroken;
        context.Abort();
        return outcome;
    }

    private static void CopyHeaders(HttpResponse outgoing, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        foreach (var header in headers)
        {
            if (!NotReturned.Contains(header.Key))
            {
                outgoing.Headers[header.Key] = header.Value.ToArray();
            }
        }
    }

    /// <summary>The caller's body failed its check while being sent (the upstream request was aborted).</summary>
    private static Exception? FindBodyError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is InvalidDataException or AwsChunkedException)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the send failed because the caller's body ended early or its connection was reset while the body was being
    /// passed on (Kestrel's errors, inside the client's): the upstream got an incomplete request, which it does not run.
    /// Told apart from the upstream's connection failing, which may come first or after the caller's, as the sockets go.
    /// </summary>
    private static bool CallerBodyBrokeOff(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Http.BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a send failed while connecting, before a byte of the request left (the client has no timeout of its own:
    /// a cancellation not the caller's is the connect timeout). Anything later may have reached the upstream and run.
    /// </summary>
    private static bool NeverSent(Exception e) => e is OperationCanceledException || e is HttpRequestException
    {
        HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
            or HttpRequestError.ProxyTunnelError,
    };

    /// <summary>
    /// The upstream request, re-signed and ready to go. Building it sends nothing and reads no body, so the gateway
    /// does it while the call's audit record is being made durable.
    /// </summary>
    public HttpRequestMessage Prepare(HttpContext context, ForwardRequest request)
    {
        var endpoint = UpstreamEndpoint.For(request.Connection, request.Service, request.Region);
        // Most calls (every json and query-protocol POST) have no query at all.
        List<KeyValuePair<string, string>> query = request.Caller.Query.Count == 0 ? [] : [.. request.Caller.Query.Where(p => !SigV4Authorization.IsPresignParameter(p.Key))];
        var rawQuery = query.Count == 0 ? "" : string.Join('&', query.Select(p => p.Value.Length == 0
            ? SigV4Primitives.UriEncode(p.Key, true)
            : SigV4Primitives.UriEncode(p.Key, true) + "=" + SigV4Primitives.UriEncode(p.Value, true)));
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        var rawPath = basePath + request.Caller.RawPath;
        // The path goes upstream exactly as signed: Uri's canonicalization would unescape some characters (%2B).
        var uri = new Uri($"{endpoint.Scheme}://{endpoint.Authority}{rawPath}{(rawQuery.Length > 0 ? "?" + rawQuery : "")}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var message = new HttpRequestMessage(HttpMethod.Parse(request.Caller.Method), uri) { Version = HttpVersion.Version11 };
        message.Content = CreateContent(context, request);
        var now = time.GetUtcNow();
        var signed = new List<KeyValuePair<string, string>> { new("x-amz-date", SigV4Signer.AmzDate(now)) };
        // S3 requires the header on every header-signed request, presigned callers included.
        if (request.DeclaredContentSha256 is not null || request.Service.IsS3)
        {
            signed.Add(new("x-amz-content-sha256", request.PayloadHash));
        }

        if (request.Credentials.SessionToken is { } token)
        {
            signed.Add(new("x-amz-security-token", token));
        }

        foreach (var (name, value) in signed)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        // HttpClient sends Host from the URI: the connection's endpoint, never the caller's Host.
        signed.Add(new("host", endpoint.Authority));
        foreach (var header in context.Request.Headers)
        {
            var name = LowerCaseNames.Of(header.Key);
            var callerSigned = request.CallerSignedHeaders.Contains(name, StringComparer.Ordinal);
            // What the caller signed goes on, signed again; of the rest, only standard headers AWS itself takes unsigned.
            if (NotForwarded.Contains(name) || (!callerSigned && !UnsignedPassThrough.Contains(name)))
            {
                continue;
            }

            var value = header.Value.ToString();
            var added = name.StartsWith("content-", StringComparison.Ordinal)
                ? message.Content.Headers.TryAddWithoutValidation(header.Key, value)
                : message.Headers.TryAddWithoutValidation(header.Key, value);
            if (added && callerSigned)
            {
                signed.Add(new(name, value));
            }
        }

        var signable = new SignableRequest(request.Caller.Method, rawPath, query, signed, request.Caller.IsS3);
        var authorization = SigV4Signer.Authorize(signable, request.Credentials.AccessKeyId, request.Credentials.SecretAccessKey,
            request.Region, request.Service.SigningName, now, request.PayloadHash);
        if (message.Content is AwsChunkedContent chunked)
        {
            var amzDate = SigV4Signer.AmzDate(now);
            var scope = new CredentialScope(amzDate[..8], request.Region, request.Service.SigningName);
            var key = SigV4Primitives.DeriveSigningKey(request.Credentials.SecretAccessKey, scope.Date, scope.Region, scope.Service);
            chunked.StartChain(new ChunkSigner(key, amzDate, scope.ToString(), authorization[(authorization.LastIndexOf('=') + 1)..]));
            if (!chunked.Headers.ContentEncoding.Contains("aws-chunked"))
            {
                chunked.Headers.ContentEncoding.Add("aws-chunked");
            }
        }
        if (request.Masking is { Caller.ReadsBody: true })
        {
            // Masking reads the body: ask for it plain rather than inflate it here.
            message.Headers.Remove("Accept-Encoding");
            message.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        }

        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        return message;
    }

    /// <summary>
    /// The body that goes upstream: always one, empty when the call has none. SocketsHttpHandler sends a request without
    /// content again, up to three times, when the first read of the answer finds the connection closed, which is also
    /// what an upstream that ran the call and then closed the connection looks like: a DELETE, a CreateMultipartUpload
    /// or a query call made with GET ran up to four times behind one decision and one record. A request with content is
    /// never sent again. The price is a <c>Content-Length: 0</c> on a GET or DELETE, which HTTP and AWS accept.
    /// </summary>
    private static HttpContent CreateContent(HttpContext context, ForwardRequest request)
    {
        if (request.Chunked is { } chunked)
        {
            return new AwsChunkedContent(chunked.Reader, chunked.DecodedLength, chunked.TrailerName);
        }

        if (request.Body is { } buffered)
        {
            return new ReadOnlyMemoryContent(buffered);
        }

        var length = context.Request.ContentLength;
        if (length is null or 0 && context.Request.Headers.TransferEncoding.Count == 0)
        {
            return new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty);
        }

        Stream body = context.Request.Body;
        if (request.DeclaredContentSha256 is { Length: 64 } expected)
        {
            body = new HashVerifyingStream(body, expected, length);
        }

        var content = new StreamContent(body, ResponseCopy.PieceBytes);
        if (length is { } known)
        {
            content.Headers.ContentLength = known;
        }

        return content;
    }
}
