using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>A console page that acts: what it did, or why it did nothing, shown once after the redirect that follows a POST.</summary>
internal abstract class ConsolePageModel : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Problem { get; set; }

    protected IActionResult Refuse(string why)
    {
        Problem = why;
        return RedirectToPage();
    }

    protected IActionResult Done(string notice)
    {
        Notice = notice;
        return RedirectToPage();
    }
}
