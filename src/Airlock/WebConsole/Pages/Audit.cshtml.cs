using System.Text.Json;
using Airlock.Audit;
using Airlock.Audit.Chain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>
/// The audit trail for auditors: search with every filter the CLI has, paged; the JSON-lines export of a search; and
/// a check of the whole hash chain and its signed checkpoints (what <c>airlock audit verify</c> runs).
/// </summary>
internal sealed class AuditModel(AuditStore audit) : PageModel
{
    private const int PageSize = 50;
    private const int ExportLimit = 100_000;

    [BindProperty(SupportsGet = true)]
    public AuditFilter Filter { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public long After { get; set; }

    public IReadOnlyList<AuditEntry> Records { get; private set; } = [];
    public long? Next { get; private set; }
    public VerifyReport? Verified { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true })
        {
            return Forbid();
        }

        Records = await audit.SearchAsync(Filter.ToQuery(After, PageSize), HttpContext.RequestAborted);
        Next = Records.Count == PageSize ? Records[^1].Id : null;
        return Page();
    }

    /// <summary>Every record the filters find, oldest first, one JSON object a line (as <c>airlock audit export</c> writes them).</summary>
    public async Task<IActionResult> OnGetExportAsync()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true } me)
        {
            return Forbid();
        }

        await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "ExportAudit", "audit", $"exported the audit records matching {Filter.QueryString()}");
        Response.ContentType = "application/x-ndjson; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"airlock-audit.jsonl\"";
        var query = Filter.ToQuery(0, 1000);
        var written = 0;
        while (written < ExportLimit)
        {
            var page = await audit.SearchAsync(query, HttpContext.RequestAborted);
            foreach (var entry in page)
            {
                await Response.WriteAsync(JsonSerializer.Serialize(entry, AuditJson.Export) + "\n", HttpContext.RequestAborted);
            }

            written += page.Count;
            if (page.Count < query.Limit)
            {
                break;
            }

            query = query with { AfterId = page[^1].Id };
        }

        return new EmptyResult();
    }

    /// <summary>Checks the whole chain now; the page shows the report.</summary>
    public async Task<IActionResult> OnGetVerifyAsync()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true } me)
        {
            return Forbid();
        }

        Verified = await AuditVerifier.VerifyAsync(audit.Database, AuditSigningKey.LoadOrCreate(audit.SigningKeyFile).PublicKey, HttpContext.RequestAborted);
        await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "VerifyAudit", "audit",
            Verified.Intact ? $"chain intact: {Verified.Records} records, {Verified.Checkpoints} checkpoints" : $"chain NOT intact: {Verified.Problems[0]}");
        return await OnGetAsync();
    }
}
