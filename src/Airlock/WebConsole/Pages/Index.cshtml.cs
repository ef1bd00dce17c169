using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>The console's front door: after login, straight to the approvals inbox.</summary>
internal sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console/approvals");
}
