namespace Airlock.Audit;

/// <summary>
/// Texts as the trail can hold them: a lone UTF-16 surrogate becomes U+FFFD. The log's JSON would keep such a character
/// (escaped) while the row's UTF-8 cannot, so the row would read as modified, and PostgreSQL refuses the text outright,
/// failing the commit of every call batched with it. A record is made well-formed once, before its JSON and its row.
/// </summary>
internal static class WellFormedText
{
    public static AuditEntry Of(AuditEntry entry) => !Needs(entry) ? entry : entry with
    {
        RequestId = Fix(entry.RequestId),
        Principal = FixOrNull(entry.Principal),
        SessionId = FixOrNull(entry.SessionId),
        AccessKeyId = FixOrNull(entry.AccessKeyId),
        Connection = FixOrNull(entry.Connection),
        Service = FixOrNull(entry.Service),
        Operation = FixOrNull(entry.Operation),
        Action = FixOrNull(entry.Action),
        Region = FixOrNull(entry.Region),
        Parameters = Fix(entry.Parameters),
        Resources = entry.Resources.Select(Fix).ToArray(),
        Decision = Fix(entry.Decision),
        Reason = FixOrNull(entry.Reason),
        ClientIp = FixOrNull(entry.ClientIp),
        Masked = entry.Masked.Select(Fix).ToArray(),
        Response = FixOrNull(entry.Response),
        Method = FixOrNull(entry.Method),
        Path = FixOrNull(entry.Path),
        NormalizedPath = FixOrNull(entry.NormalizedPath),
        UserAgent = FixOrNull(entry.UserAgent),
        Headers = Fix(entry.Headers),
        RequestBody = FixOrNull(entry.RequestBody),
        UpstreamRequestId = FixOrNull(entry.UpstreamRequestId),
        Timings = entry.Timings.ToDictionary(t => Fix(t.Key), t => t.Value),
    };

    public static AuditCompletion Of(AuditCompletion completion) =>
        !HasSurrogate(completion.Failure) && !HasSurrogate(completion.UpstreamRequestId) && !HasSurrogate(completion.InlineResponse)
        && !AnyHas(completion.Masked) && !AnyKeyHas(completion.Timings)
            ? completion
            : completion with
            {
                Failure = FixOrNull(completion.Failure),
                UpstreamRequestId = FixOrNull(completion.UpstreamRequestId),
                InlineResponse = FixOrNull(completion.InlineResponse),
                Masked = completion.Masked.Select(Fix).ToArray(),
                Timings = completion.Timings.ToDictionary(t => Fix(t.Key), t => t.Value),
            };

    /// <summary>The text with each lone surrogate replaced by U+FFFD (itself when it has none).</summary>
    public static string Fix(string text)
    {
        if (!HasSurrogate(text))
        {
            return text;
        }

        return string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    chars[i] = c;
                    chars[i + 1] = source[++i];
                }
                else
                {
                    chars[i] = char.IsSurrogate(c) ? '\uFFFD' : c;
                }
            }
        });
    }

    private static string? FixOrNull(string? text) => text is null ? null : Fix(text);

    private static Dictionary<string, string> Fix(IReadOnlyDictionary<string, string> map) =>
        map.ToDictionary(p => Fix(p.Key), p => Fix(p.Value), StringComparer.Ordinal);

    // Any surrogate at all, paired or not: the common text has none, and one vectorized scan says so.
    private static bool HasSurrogate(string? text) => text is not null && text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');

    private static bool Needs(AuditEntry entry) =>
        HasSurrogate(entry.RequestId) || HasSurrogate(entry.Principal) || HasSurrogate(entry.SessionId) || HasSurrogate(entry.AccessKeyId)
        || HasSurrogate(entry.Connection) || HasSurrogate(entry.Service) || HasSurrogate(entry.Operation) || HasSurrogate(entry.Action)
        || HasSurrogate(entry.Region) || HasSurrogate(entry.Decision) || HasSurrogate(entry.Reason) || HasSurrogate(entry.ClientIp)
        || HasSurrogate(entry.Response) || HasSurrogate(entry.Method) || HasSurrogate(entry.Path) || HasSurrogate(entry.NormalizedPath)
        || HasSurrogate(entry.UserAgent) || HasSurrogate(entry.RequestBody) || HasSurrogate(entry.UpstreamRequestId)
        || AnyHas(entry.Resources) || AnyHas(entry.Masked) || AnyHas(entry.Parameters) || AnyHas(entry.Headers) || AnyKeyHas(entry.Timings);

    private static bool AnyHas(IReadOnlyList<string> texts)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            if (HasSurrogate(texts[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyHas(IReadOnlyDictionary<string, string> map)
    {
        foreach (var (key, value) in map)
        {
            if (HasSurrogate(key) || HasSurrogate(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyKeyHas(IReadOnlyDictionary<string, double> map)
    {
        foreach (var key in map.Keys)
        {
            if (HasSurrogate(key))
            {
                return true;
            }
        }

        return false;
    }
}
