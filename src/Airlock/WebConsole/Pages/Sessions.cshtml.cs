using Airlock.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Airlock.WebConsole.Pages;

/// <summary>The active sessions, for auditors and admins; admins revoke one (its next call is refused, on every node).</summary>
internal sealed class SessionsModel(SessionStore sessions, TimeProvider time) : ConsolePageModel
{
    public IReadOnlyList<Session> Active { get; private set; } = [];
    public bool MayRevoke { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true } me)
        {
            return Forbid();
        }

        MayRevoke = me.Roles.Contains(ConsoleUser.Admin);
        Active = [.. (await sessions.ListAsync(false, time.GetUtcNow(), HttpContext.RequestAborted)).Select(s => s.Session).OrderByDescending(s => s.CreatedAt)];
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id)
    {
        var me = ConsoleUser.From(User)!;
        if (!me.Roles.Contains(ConsoleUser.Admin))
        {
            await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "RevokeSession", id, $"refused: {me.Subject} is not a console admin", refused: true);
            return Forbid();
        }

        var revoked = await sessions.RevokeAsync(id, time.GetUtcNow(), HttpContext.RequestAborted);
        await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "RevokeSession", id, revoked ? $"revoked session {id}" : $"session {id} was not active");
        return Done(revoked ? $"Revoked {id}: its next call is refused." : $"{id} was not active.");
    }
}
