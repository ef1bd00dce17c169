using System.Text.Json;
using Airlock.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>One audit record, every field as the store holds it (masked values stay masked).</summary>
internal sealed class AuditRecordModel(AuditStore audit) : PageModel
{
    public AuditEntry Record { get; private set; } = null!;
    public string Json { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id)
    {
        if (ConsoleUser.From(User) is not { MayAudit: true })
        {
            return Forbid();
        }

        var found = await audit.SearchAsync(new AuditQuery { AfterId = id - 1, Limit = 1 }, HttpContext.RequestAborted);
        if (found is not [var record] || record.Id != id)
        {
            return NotFound();
        }

        Record = record;
        Json = JsonSerializer.Serialize(record, new JsonSerializerOptions(AuditJson.Export) { WriteIndented = true });
        return Page();
    }
}
