using Airlock.Audit;

namespace Airlock.WebConsole;

/// <summary>The console's own records: logins, refusals and every action taken there, each with source <c>console</c>.</summary>
internal static class ConsoleAudit
{
    public static Task RecordAsync(HttpContext http, string principal, string operation, string resource, string reason, bool refused = false)
    {
        var audit = http.RequestServices.GetRequiredService<IAuditStore>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var entry = AuditEntry.OfAirlock(time.GetUtcNow(), principal, operation, resource, reason, http.Connection.RemoteIpAddress?.ToString()) with
        {
            Parameters = new Dictionary<string, string> { ["source"] = "console" },
            UserAgent = http.Request.Headers.UserAgent.ToString(),
        };
        return audit.AppendAsync(refused ? entry with { Decision = "refuse" } : entry, http.RequestAborted);
    }
}
