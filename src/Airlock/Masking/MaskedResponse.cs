using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml;
using Airlock.Aws.Catalog;
using Airlock.Primitives;

namespace Airlock.Masking;

/// <summary>
/// Writes an upstream response to the caller with its sensitive values masked: headers always, bodies read
/// whole (bounded) when they are json, xml or a small raw payload, and what SDKs check fixed afterwards
/// (<c>Content-Length</c>, DynamoDB's <c>x-amz-crc32</c>; body checksums dropped when the body changed).
/// </summary>
internal static class MaskedResponse
{
    /// <summary>How a response ended: its status, what was masked, and why it could not be masked (then nothing was sent).</summary>
    public readonly record struct Result(int Status, MaskReport Report, string? Failure);

    public static BodyTreatment TreatmentOf(ResponseMasking masking, HttpResponseMessage response, bool head)
    {
        var plan = masking.Caller;
        var status = (int)response.StatusCode;
        if (head || !plan.ReadsBody || response.Content.Headers.ContentLength == 0 || status is 204 or 304)
        {
            return BodyTreatment.PassThrough;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType ?? "";
        if (status < 300 && masking.Operation.RawOutput is { } raw)
        {
            if (plan.Payload is not null)
            {
                return BodyTreatment.ReplacePayload;
            }

            if (plan.Detectors.IsEmpty)
            {
                return BodyTreatment.PassThrough;
            }

            if (raw == "stream")
            {
                return plan.ScanObjects && IsText(contentType, masking) ? BodyTreatment.ScanStream : BodyTreatment.PassThrough;
            }

            return BodyTreatment.Text;
        }

        if (status >= 300 && plan.Detectors.IsEmpty)
        {
            return BodyTreatment.PassThrough;
        }

        // The protocol the call was spoken in decides, not the Content-Type an upstream (or an emulator) labels it with:
        // CloudWatch answers a json call in json and a query call in xml, and the paths to mask differ between them.
        return masking.WireProtocol switch
        {
            WireProtocol.Cbor => BodyTreatment.Cbor,
            WireProtocol.Json or WireProtocol.RestJson => BodyTreatment.Json,
            _ => BodyTreatment.Xml,
        };
    }

    public static async Task<Result> WriteAsync(
        HttpContext context, HttpResponseMessage response, ResponseMasking masking, Action<HttpResponse, IEnumerable<KeyValuePair<string, IEnumerable<string>>>> copyHeaders)
    {
        var report = new MaskReport();
        var head = HttpMethods.IsHead(context.Request.Method);
        var treatment = TreatmentOf(masking, response, head);
        var outgoing = context.Response;
        var status = (int)response.StatusCode;
        var headers = MaskHeaders(response, masking, report);
        switch (treatment)
        {
            case BodyTreatment.PassThrough:
                outgoing.StatusCode = status;
                copyHeaders(outgoing, headers);
                if (!head)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                    await new ResponseCopy(0).CopyAsync(body, outgoing.BodyWriter, context.RequestAborted);
                }

                return new Result(status, report, null);
            case BodyTreatment.ReplacePayload:
                // The payload is not read: a hash would need all of it, so a sensitive payload is always masked in full.
                var mask = Encoding.UTF8.GetBytes(Masker.FullMask);
                report.Add("", masking.Caller.Payload!.Source);
                await WriteBodyAsync(context, status, headers, copyHeaders, mask, changed: true, hadCrc: false);
                return new Result(status, report, null);
            case BodyTreatment.ScanStream:
                outgoing.StatusCode = status;
                copyHeaders(outgoing, WithoutBodyChecks(headers, dropLength: true));
                await using (var body = await response.Content.ReadAsStreamAsync(context.RequestAborted))
                {
                    await TextScan.CopyAsync(body, outgoing.Body, masking.Caller.Detectors, report, context.RequestAborted);
                }

                return new Result(status, report, null);
        }

        byte[]? rented = null;
        try
        {
            int length;
            await using (var body = await Decoded(response, context.RequestAborted))
            {
                if (body is null)
                {
                    return new Result(status, report, $"the response is encoded as '{string.Join(",", response.Content.Headers.ContentEncoding)}', which Airlock cannot read to mask");
                }

                (rented, length) = await ReadBoundedAsync(body, masking.MaxBodyBytes, context.RequestAborted);
                if (rented is null)
                {
                    return new Result(status, report, $"the response is larger than masking.maxBodyBytes ({masking.MaxBodyBytes} bytes)");
                }
            }

            var original = rented.AsMemory(0, length);
            byte[]? masked;
            try
            {
                masked = MaskBody(original, treatment, masking.Caller, masking, report);
            }
            catch (Exception e) when (e is JsonException or XmlException or DecoderFallbackException or System.Formats.Cbor.CborContentException)
            {
                // Only where it broke: parser messages can quote the body, and the body is what must not leak.
                var at = e switch
                {
                    JsonException j => $" (line {j.LineNumber + 1}, byte {j.BytePositionInLine + 1})",
                    XmlException x => $" (line {x.LineNumber}, position {x.LinePosition})",
                    System.Formats.Cbor.CborContentException => "",
                    _ => " (not UTF-8)",
                };
                return new Result(status, report, $"the response is not the {treatment.ToString().ToLowerInvariant()} its operation promises{at}");
            }

            // Unmasked, the body is sent from the buffer it was read into.
            ReadOnlyMemory<byte> sent = masked ?? original;
            if (masking.AuditBytes > 0)
            {
                ReadOnlyMemory<byte> recorded = ReferenceEquals(masking.Caller, masking.Audit) ? sent
                    : MaskBody(original, treatment, masking.Audit, masking, new MaskReport()) ?? original;
                report.RecordedBody = RecordedBody.Start(recorded.Span, masking.AuditBytes);
            }

            var decoded = response.Content.Headers.ContentEncoding.Count > 0;
            await WriteBodyAsync(context, status, decoded ? headers.Where(h => !Is(h.Key, "Content-Encoding")) : headers, copyHeaders, sent,
                changed: masked is not null || decoded, hadCrc: response.Headers.Contains("x-amz-crc32"));
            return new Result(status, report, null);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[]? MaskBody(ReadOnlyMemory<byte> body, BodyTreatment treatment, MaskPlan plan, ResponseMasking masking, MaskReport report)
    {
        if (body.Span.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            // An empty answer (many rest operations return none) holds nothing to mask.
            return null;
        }

        switch (treatment)
        {
            case BodyTreatment.Json:
                return JsonMasker.Mask(body.Span, plan, masking.Masker, masking.IsDynamoDb, report);
            case BodyTreatment.Xml:
                return XmlMasker.Mask(body, plan, masking.Masker, report);
            case BodyTreatment.Cbor:
                return CborMasker.Mask(body, plan, masking.Masker, report);
            default:
                var text = StrictUtf8.GetString(body.Span);
                var hits = new List<string>();
                if (plan.Detectors.Apply(text, null, hits) is not { } found)
                {
                    return null;
                }

                report.AddDetectors("", hits);
                return Encoding.UTF8.GetBytes(found);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static List<KeyValuePair<string, IEnumerable<string>>> MaskHeaders(HttpResponseMessage response, ResponseMasking masking, MaskReport report)
    {
        var headers = new List<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (masking.Caller.Headers.TryGetValue(header.Key, out var mask))
            {
                headers.Add(new(header.Key, header.Value.Select(v => masking.Masker.Mask(v, mask.Style)).ToArray()));
                report.Add("header:" + header.Key.ToLowerInvariant(), mask.Source);
            }
            else
            {
                headers.Add(header);
            }
        }

        return headers;
    }

    private static async Task WriteBodyAsync(
        HttpContext context, int status, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers,
        Action<HttpResponse, IEnumerable<KeyValuePair<string, IEnumerable<string>>>> copyHeaders, ReadOnlyMemory<byte> body, bool changed, bool hadCrc)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = status;
        copyHeaders(outgoing, changed ? WithoutBodyChecks(headers, dropLength: true) : headers);
        outgoing.ContentLength = body.Length;
        if (changed && hadCrc)
        {
            // An unchanged body keeps upstream's CRC, copied with the other headers.
            outgoing.Headers["x-amz-crc32"] = Crc32.Compute(body.Span).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await outgoing.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A changed body no longer matches its length, MD5 or checksums: those headers go (the CRC is recomputed).</summary>
    private static IEnumerable<KeyValuePair<string, IEnumerable<string>>> WithoutBodyChecks(
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, bool dropLength) =>
        headers.Where(h => !(Is(h.Key, "Content-MD5") || Is(h.Key, "x-amz-crc32") || h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
            || (dropLength && Is(h.Key, "Content-Length"))));

    private static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as plain bytes, undoing gzip, deflate or br; null for an encoding Airlock cannot read.</summary>
    private static async Task<Stream?> Decoded(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var encodings = response.Content.Headers.ContentEncoding.Where(e => !Is(e, "identity")).ToArray();
        if (encodings.Length > 1)
        {
            return null;
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return encodings.FirstOrDefault()?.ToLowerInvariant() switch
        {
            null => body,
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            "deflate" => new ZLibStream(body, CompressionMode.Decompress),
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            _ => null,
        };
    }

    /// <summary>Reads a body into a pooled buffer; null when it is larger than <paramref name="max"/>.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBoundedAsync(Stream body, long max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }

                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((long)buffer.Length * 2, 1), max + 1));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
            if (length > max)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return (null, 0);
            }
        }
    }

    private static bool IsText(string contentType, ResponseMasking masking) =>
        contentType.Length > 0 && masking.ScanContentTypes.Any(p => Wildcard.Matches(p, contentType));
}
