using Airlock.Audit;
using Airlock.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>A session as a timeline: each call with its decision and why, masked fields and timings, held and approved calls in order.</summary>
internal sealed class ReplayModel(SessionStore sessions, AuditStore audit) : PageModel
{
    public SessionReplay Replay { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (ConsoleUser.From(User) is not { MayAudit: true })
        {
            return Forbid();
        }

        if (await SessionReplay.LoadAsync(sessions, audit, id, HttpContext.RequestAborted) is not { } replay)
        {
            return NotFound();
        }

        Replay = replay;
        return Page();
    }
}
