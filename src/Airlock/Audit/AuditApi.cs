using Airlock.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Airlock.Audit;

/// <summary>
/// The audit trail over HTTP for the console and investigators: <c>GET /_airlock/api/audit</c> (search, paged)
/// and <c>GET /_airlock/api/sessions/{id}/replay</c>, for callers whose OIDC token puts them in <c>audit.readers</c>.
/// </summary>
internal static class AuditApi
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_airlock/api/audit", SearchAsync);
        app.MapGet("/_airlock/api/sessions/{id}/replay", ReplayAsync);
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> SearchAsync(
        string? subject, string? session, string? connection, string? service, string? operation, string? resource, string? decision,
        DateTimeOffset? since, DateTimeOffset? until, string? text, long? after, int? limit,
        HttpContext http, TokenValidator tokens, AuditOptions options, AuditStore audit, CancellationToken ct)
    {
        if (await ReaderAsync(http, tokens, options, ct) is { } refused)
        {
            return refused;
        }

        var query = new AuditQuery
        {
            Subject = subject, Session = session, Connection = connection, Service = service, Operation = operation, Resource = resource,
            Decision = decision, Since = since, Until = until, Text = text, AfterId = after ?? 0, Limit = Math.Clamp(limit ?? 100, 1, 1000),
        };
        var records = await audit.SearchAsync(query, ct);
        return TypedResults.Ok(new AuditPage(records, records.Count == query.Limit ? records[^1].Id : null));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> ReplayAsync(
        string id, HttpContext http, TokenValidator tokens, AuditOptions options, SessionStore sessions, AuditStore audit, CancellationToken ct)
    {
        if (await ReaderAsync(http, tokens, options, ct) is { } refused)
        {
            return refused;
        }

        return await SessionReplay.LoadAsync(sessions, audit, id, ct) is { } replay
            ? TypedResults.Ok<object>(new { session = replay.Summary, calls = replay.Calls })
            : TypedResults.Problem($"No session {id}.", statusCode: 404);
    }

    /// <summary>Null when the caller may read the audit trail, else the refusal.</summary>
    private static async Task<ProblemHttpResult?> ReaderAsync(HttpContext http, TokenValidator tokens, AuditOptions options, CancellationToken ct)
    {
        if (await ApiCaller.FromAsync(http, tokens, ct) is not { } caller)
        {
            return ApiCaller.Unauthorized();
        }

        return caller.Groups.Intersect(options.Readers).Any()
            ? null
            : TypedResults.Problem($"Reading the audit trail takes membership of audit.readers ({string.Join(", ", options.Readers)}).", statusCode: 403);
    }

    /// <param name="Next">The <c>after</c> that asks for the next page, when this one was full.</param>
    public sealed record AuditPage(IReadOnlyList<AuditEntry> Records, long? Next);
}
