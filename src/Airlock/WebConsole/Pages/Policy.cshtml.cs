using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Identity;
using Airlock.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Airlock.WebConsole.Pages;

/// <summary>
/// The policy in force; an explain form (what <c>airlock policy explain</c> answers); and a candidate policy replayed
/// against the recorded calls (what <c>airlock policy test --against-audit</c> answers), for auditors and admins. A
/// candidate may include presets but not files: the console does not read the server's files for anyone.
/// </summary>
internal sealed class PolicyModel(PolicyHolder policy, SessionStore sessions, AuditStore audit, TimeProvider time) : PageModel
{
    public IReadOnlyList<PolicyStatement> Statements => policy.Current.Statements;
    public string? LastReloadRejected => policy.LastReloadRejected;

    [BindProperty]
    public ExplainForm Explain { get; set; } = new();

    public PolicyDecision? Explained { get; private set; }

    [BindProperty]
    public string? Candidate { get; set; }

    [BindProperty]
    public DateTimeOffset? Since { get; set; }

    public IReadOnlyList<string> CandidateErrors { get; private set; } = [];
    public PolicyReplay.Result? Tested { get; private set; }

    public IActionResult OnGet() => ConsoleUser.From(User) is { MayAudit: true } ? Page() : Forbid();

    public IActionResult OnPostExplain()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true })
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(Explain.Action))
        {
            ModelState.AddModelError("Explain.Action", "Name the action.");
            return Page();
        }

        Explained = policy.Evaluate(PolicyExplain.Request(Explain.Subject ?? "someone", Words(Explain.Groups), Explain.Connection ?? "default", Explain.Action.Trim(),
            Words(Explain.Resources), Explain.Region ?? "us-east-1", Lines(Explain.Parameters), time.GetUtcNow()));
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync()
    {
        if (ConsoleUser.From(User) is not { MayAudit: true } me)
        {
            return Forbid();
        }

        var parser = new PolicyParser(ServiceCatalog.Default) { FileIncludes = false };
        parser.ParseText(Candidate ?? "", "candidate", Path.GetTempPath(), null);
        CandidateErrors = parser.Errors;
        if (parser.Errors.Count == 0)
        {
            Tested = await PolicyReplay.RunAsync(new CompiledPolicy(parser.Statements), sessions, audit, Since, HttpContext.RequestAborted);
            await ConsoleAudit.RecordAsync(HttpContext, me.Subject, "TestPolicy", "policy",
                $"replayed {Tested.Replayed} recorded calls through a candidate policy of {parser.Statements.Count} statements: {Tested.Changes.Count} would change");
        }

        return Page();
    }

    private static string[] Words(string? text) => text?.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string[] Lines(string? text) => text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    internal sealed class ExplainForm
    {
        public string? Subject { get; set; }
        public string? Groups { get; set; }
        public string? Action { get; set; }
        public string? Resources { get; set; }
        public string? Connection { get; set; }
        public string? Region { get; set; }
        public string? Parameters { get; set; }
    }
}
