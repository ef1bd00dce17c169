using Airlock.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Airlock.WebConsole;

/// <summary>
/// What a login at the issuer becomes: a console session holding only the subject, groups, roles and login time (the
/// id token itself is not kept), or, for someone whose groups hold no console role, a refusal. Both are audited.
/// </summary>
internal static class ConsoleLogin
{
    public static async Task AcceptAsync(TokenValidatedContext context, IssuerOptions issuer, ConsoleOptions options)
    {
        var claims = context.Principal!;
        var subject = claims.FindFirst(issuer.SubjectClaim)?.Value;
        var groups = claims.FindAll(issuer.GroupsClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail($"The id token has no {issuer.SubjectClaim} claim.");
            return;
        }

        var roles = ConsoleUser.RolesOf(groups, options.Roles);
        if (roles.Count == 0)
        {
            await ConsoleAudit.RecordAsync(context.HttpContext, subject, "ConsoleLogin", "console", $"refused: {subject}'s groups ({string.Join(", ", groups)}) hold no console role", refused: true);
            context.Fail("Your groups hold no role in the Airlock console.");
            return;
        }

        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        context.Principal = new ConsoleUser(subject, groups, roles, now).ToPrincipal(ConsoleServices.CookieScheme);
        await ConsoleAudit.RecordAsync(context.HttpContext, subject, "ConsoleLogin", "console", $"logged in to the console as {string.Join(", ", roles.Order(StringComparer.Ordinal))}");
    }

    /// <summary>A failed or refused login: a plain page that says why, never the issuer's error details.</summary>
    public static async Task RefusedAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var why = context.Failure?.Message.StartsWith("Your groups", StringComparison.Ordinal) == true
            ? context.Failure.Message
            : "The login did not complete. Start again from the console.";
        await context.Response.WriteAsync(why);
    }
}
