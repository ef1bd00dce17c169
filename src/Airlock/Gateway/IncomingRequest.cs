using System.Buffers;
using Airlock.Aws.Errors;
using Airlock.Aws.SigV4;
using Airlock.Primitives;
using Microsoft.AspNetCore.Http.Features;

namespace Airlock.Gateway;

/// <summary>Reads a caller's request as it was sent on the wire: SigV4 signs the raw path and query.</summary>
internal static class IncomingRequest
{
    public static SignableRequest Read(HttpContext context, bool isS3 = false)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var q = rawTarget.IndexOf('?');
        var rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var rawQuery = q < 0 ? "" : rawTarget[(q + 1)..];
        var headers = new List<KeyValuePair<string, string>>(context.Request.Headers.Count);
        foreach (var header in context.Request.Headers)
        {
            var name = LowerCaseNames.Of(header.Key);
            foreach (var value in header.Value)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        return new SignableRequest(context.Request.Method, rawPath, CanonicalQuery.Parse(rawQuery), headers, isS3);
    }

    private const int PresizedBytes = 64 * 1024;

    /// <summary>
    /// Reads a body whole, up to <paramref name="limit"/> bytes, holding its bytes against <paramref name="budget"/>
    /// until the request ends; the refusal says why when it is larger than the limit or the budget is spent.
    /// </summary>
    public static async Task<BodyRead> ReadBodyAsync(HttpRequest request, long limit, BufferedBodyBudget budget, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return new BodyRead(default, AwsError.TooLarge(limit));
        }

        if (request.ContentLength is { } length and <= PresizedBytes)
        {
            // The common case, read straight into a buffer of its size: Kestrel ends the body at Content-Length, and
            // fails the read when the caller sends less.
            if (!budget.TryTake(request.HttpContext, length))
            {
                return new BodyRead(default, Busy(budget));
            }

            var body = new byte[length];
            var read = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
            return new BodyRead(body.AsMemory(0, read), null);
        }

        // Larger or unsized bodies grow with the bytes that arrive, not with what the caller declares.
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return new BodyRead(default, AwsError.TooLarge(limit));
                }

                if (!budget.TryTake(request.HttpContext, read))
                {
                    return new BodyRead(default, Busy(budget));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        // The stream's own buffer, not a copy of it: a body near the limit is not held twice.
        return new BodyRead(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
    }

    private static AwsError Busy(BufferedBodyBudget budget) => new(503, "ServiceUnavailable",
        $"Airlock is holding as many request bodies as limits.maxBufferedBytesInFlight allows ({budget.Limit} bytes); the call was not sent. Retry shortly.");
}

/// <summary>A body read whole, or the refusal that says why it was not.</summary>
internal readonly record struct BodyRead(ReadOnlyMemory<byte> Body, AwsError? Refusal);
