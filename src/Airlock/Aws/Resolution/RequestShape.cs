using System.Text;
using Airlock.Aws.Catalog;
using Airlock.Aws.SigV4;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The shapes of request Airlock accepts per protocol, so that the call it reads is the only call an upstream can
/// read: json and CBOR calls take their input from the body alone; query and ec2 calls from exactly one place (the
/// urlencoded body of a POST, the query string of a GET), one value per name. docs/security.md says why.
/// </summary>
internal static class RequestShape
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>True when the query string holds anything but a presigned URL's signature.</summary>
    public static bool HasCallQuery(SignableRequest head)
    {
        foreach (var (name, _) in head.Query)
        {
            if (!SigV4Authorization.IsPresignParameter(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why a json call is not one Airlock forwards, or null.</summary>
    public static string? JsonCallError(ResolveRequest request)
    {
        if (HasCallQuery(request.Head))
        {
            return "a json call carries no query string (its input is its body)";
        }

        var type = MediaType(request.Head.Header("content-type"));
        if (type is not ("application/x-amz-json-1.0" or "application/x-amz-json-1.1"))
        {
            return $"its content type must be application/x-amz-json-1.0 or application/x-amz-json-1.1, not '{type}'";
        }

        return request.Body is { Length: > 0 } body ? StrictJson.Check(body.Span) : "its body must be a json object";
    }

    /// <summary>A query or ec2 call's parameters from its one place, whether that was the body, and why it is refused (or null).</summary>
    public static (List<KeyValuePair<string, string>> Pairs, bool FromBody, string? Error) QueryPairs(ResolveRequest request)
    {
        var hasBody = request.Body is { Length: > 0 };
        if (request.Head.Method == "GET")
        {
            var query = request.Head.Query.Where(p => !SigV4Authorization.IsPresignParameter(p.Key)).ToList();
            return (query, false, hasBody ? "a GET query call has no body" : Duplicate(query));
        }

        var type = MediaType(request.Head.Header("content-type"));
        if (!hasBody || type != "application/x-www-form-urlencoded")
        {
            // Not a query call's shape; say so only if it claims to be one.
            var claims = request.Head.Query.Any(p => p.Key == "Action") || (type?.StartsWith("multipart/", StringComparison.Ordinal) ?? false);
            return ([], true, claims ? "a POST query call sends its parameters as an application/x-www-form-urlencoded body, and nothing else" : null);
        }

        if (HasCallQuery(request.Head))
        {
            return ([], true, "a POST query call's parameters are in its body, not also in the query string");
        }

        var pairs = Decode(request.Body!.Value.Span);
        return pairs is null ? ([], true, "its form body is not valid percent-encoded UTF-8") : (pairs, true, Duplicate(pairs));
    }

    /// <summary>
    /// The x-amz-* headers of signing, framing and the SDKs themselves, which no operation's model lists: the .NET
    /// SDK's API version, the flexible checksums botocore adds to any body (S3 only checks them against it), and the
    /// API version every SDK sends to Glacier.
    /// </summary>
    private static readonly HashSet<string> SigningHeaders = new(StringComparer.Ordinal)
    {
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "x-amz-decoded-content-length", "x-amz-trailer", "x-amz-user-agent",
        "x-amz-api-version", "x-amz-sdk-checksum-algorithm", "x-amz-glacier-version",
    };

    /// <summary>
    /// Why a REST call (rest-xml, rest-json) is not one Airlock forwards, or null: every query parameter must be one its
    /// operation's model names (a member or a sub-resource), a presigned URL's signature or botocore's <c>x-id</c>, and
    /// every x-amz-* header a member, under a member's prefix (<c>x-amz-meta-</c>) or one of signing and framing. REST
    /// services act on such parameters and headers, so what Airlock cannot name it does not let through. A name comes
    /// once, unless its member is a query list: of two values an upstream may act on the one Airlock did not read.
    /// </summary>
    public static string? RestCallError(OperationModel operation, SignableRequest head)
    {
        for (var i = 0; i < head.Query.Count; i++)
        {
            var name = head.Query[i].Key;
            if (!SigV4Authorization.IsPresignParameter(name) && name != "x-id" && !operation.Template.NamesQuery(name)
                && !operation.Members.Any(m => m[1] == "querystring" && m[2] == name))
            {
                return $"{operation.Name} takes no query parameter '{name}'";
            }

            if (head.Query.Skip(i + 1).Any(p => p.Key == name) && !IsQueryList(operation, name))
            {
                return $"{operation.Name} takes the query parameter '{name}' once";
            }
        }

        foreach (var (name, _) in head.Headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.Ordinal) && !SigningHeaders.Contains(name)
                && !name.StartsWith("x-amz-checksum-", StringComparison.Ordinal)
                && !operation.Members.Any(m => (m[1] == "header" && string.Equals(m[2], name, StringComparison.OrdinalIgnoreCase))
                    || (m[1] == "headers" && name.StartsWith(m[2], StringComparison.OrdinalIgnoreCase))))
            {
                return $"{operation.Name} takes no header '{name}'";
            }
        }

        return RepeatedMemberHeader(operation, head.Headers);
    }

    /// <summary>
    /// A header the operation reads that comes twice: Airlock reads its values joined, as SigV4 signs them, while an
    /// upstream may act on one of them alone (an x-amz-copy-source that names another object than the one authorized).
    /// </summary>
    private static string? RepeatedMemberHeader(OperationModel operation, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        // Names are lower-case here; a repeat is rare, so members are looked at only for one.
        for (var i = 1; i < headers.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (headers[i].Key == headers[j].Key
                    && operation.Members.Any(m => m[1] == "header" && string.Equals(m[2], headers[i].Key, StringComparison.OrdinalIgnoreCase)))
                {
                    return $"{operation.Name} takes the header '{headers[i].Key}' once";
                }
            }
        }

        return null;
    }

    /// <summary>A query-string member the model types as a list: its name repeats, once per value.</summary>
    private static bool IsQueryList(OperationModel operation, string name) =>
        operation.Members.Any(m => m[1] == "querystring" && m[2] == name && m is [_, _, _, "list"]);

    /// <summary>A form as Airlock sends it upstream: every name and value percent-encoded the one way SigV4 does.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => SigV4Primitives.UriEncode(p.Key, true) + "=" + SigV4Primitives.UriEncode(p.Value, true))));

    /// <summary>
    /// True when <paramref name="form"/> is already what <see cref="Encode"/> would write (as botocore and the AWS CLI
    /// send it): every pair has '=', only unreserved characters and upper-case %XX escapes of reserved bytes, no '+'.
    /// </summary>
    public static bool IsCanonical(ReadOnlySpan<byte> form)
    {
        var sawEquals = false;
        for (var i = 0; i < form.Length; i++)
        {
            var b = form[i];
            switch (b)
            {
                case (byte)'&':
                    if (!sawEquals || i == form.Length - 1)
                    {
                        return false;
                    }

                    sawEquals = false;
                    break;
                case (byte)'=':
                    if (sawEquals)
                    {
                        return false;
                    }

                    sawEquals = true;
                    break;
                case (byte)'%':
                    if (i + 2 >= form.Length || !IsUpperHex(form[i + 1]) || !IsUpperHex(form[i + 2]) || IsUnreserved((byte)(Hex(form[i + 1]) << 4 | Hex(form[i + 2]))))
                    {
                        return false;
                    }

                    i += 2;
                    break;
                default:
                    if (!IsUnreserved(b))
                    {
                        return false;
                    }

                    break;
            }
        }

        return sawEquals;
    }

    private static bool IsUnreserved(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static bool IsUpperHex(byte b) => char.IsAsciiDigit((char)b) || b is >= (byte)'A' and <= (byte)'F';

    // Query calls have tens of parameters: a scan, not a set, unless a body holds many more (a scan of a 10 MiB form of
    // short names, each against all before it, would keep a core busy for minutes).
    private static string? Duplicate(List<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count > 32)
        {
            var seen = new HashSet<string>(pairs.Count, StringComparer.Ordinal);
            foreach (var (name, _) in pairs)
            {
                if (!seen.Add(name))
                {
                    return $"the parameter '{name}' is given twice";
                }
            }

            return null;
        }

        for (var i = 1; i < pairs.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (pairs[i].Key == pairs[j].Key)
                {
                    return $"the parameter '{pairs[i].Key}' is given twice";
                }
            }
        }

        return null;
    }

    /// <summary>The pairs of a urlencoded form, or null when an escape is broken or the bytes are not UTF-8.</summary>
    private static List<KeyValuePair<string, string>>? Decode(ReadOnlySpan<byte> form)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in form.Split((byte)'&'))
        {
            var part = form[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf((byte)'=');
            var name = Unescape(eq < 0 ? part : part[..eq]);
            var value = Unescape(eq < 0 ? [] : part[(eq + 1)..]);
            if (name is null || value is null)
            {
                return null;
            }

            pairs.Add(new(name, value));
        }

        return pairs;
    }

    private static string? Unescape(ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            try
            {
                return StrictUtf8.GetString(text);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        var bytes = new byte[text.Length];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                {
                    return null;
                }

                bytes[length++] = (byte)(Hex(text[i + 1]) << 4 | Hex(text[i + 2]));
                i += 2;
            }
            else
            {
                bytes[length++] = text[i] == '+' ? (byte)' ' : text[i];
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string? MediaType(string? contentType) =>
        contentType is null ? null : (contentType.IndexOf(';') is var semi and >= 0 ? contentType[..semi] : contentType).Trim().ToLowerInvariant();
}
