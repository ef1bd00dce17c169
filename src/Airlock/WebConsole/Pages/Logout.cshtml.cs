using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>Ends the console session here (a POST, with its antiforgery token); the issuer's own session is its business.</summary>
internal sealed class LogoutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        if (ConsoleUser.From(User) is { } me)
        {
            await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "ConsoleLogout", "console", "logged out of the console");
        }

        await HttpContext.SignOutAsync(ConsoleServices.CookieScheme);
        return Redirect("/console/signed-out");
    }
}
