using Airlock.Approvals;
using Microsoft.AspNetCore.Mvc;

namespace Airlock.WebConsole.Pages;

/// <summary>
/// Time-boxed grants: request one for yourself; grant approvers (approvals.grantApprovers) approve or deny others'
/// requests; they or the requester revoke. Every step goes through <see cref="GrantDecisions"/>, as the API's do.
/// </summary>
internal sealed class GrantsModel(GrantStore store, GrantDecisions grants, TimeProvider time) : ConsolePageModel
{
    public ConsoleUser Me { get; private set; } = null!;
    public IReadOnlyList<Grant> Grants { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Me = ConsoleUser.From(User)!;
        Now = time.GetUtcNow();
        var all = await store.ListAsync(HttpContext.RequestAborted);
        Grants = [.. all.Where(g => Me.MayAudit || grants.IsApprover(Me.Groups) || g.Requester == Me.Subject)];
        return Page();
    }

    public bool MayDecide(Grant grant) => grant.Status == "pending" && grant.Requester != Me.Subject && grants.IsApprover(Me.Groups);

    public bool MayRevoke(Grant grant) => grant.IsActive(Now) && (grant.Requester == Me.Subject || grants.IsApprover(Me.Groups));

    public async Task<IActionResult> OnPostRequestAsync(string actions, string? resources, int minutes, string? reason)
    {
        var me = ConsoleUser.From(User)!;
        var outcome = await grants.RequestAsync(Decider(me), Split(actions), Split(resources), minutes * 60, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            HttpContext.RequestAborted);
        return Settled(outcome, $"Requested {outcome.Grant?.Id}: a grant approver decides it.");
    }

    public async Task<IActionResult> OnPostDecideAsync(string id, string verb, string? reason)
    {
        if (verb is not ("approve" or "deny" or "revoke"))
        {
            return BadRequest();
        }

        if (verb == "deny" && string.IsNullOrWhiteSpace(reason))
        {
            return Refuse("Give a reason to deny: the requester sees it.");
        }

        var outcome = await grants.DecideAsync(id, verb, Decider(ConsoleUser.From(User)!), string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), HttpContext.RequestAborted);
        return outcome.Status == 403 ? Forbid() : Settled(outcome, $"Grant {id} is now {outcome.Grant?.Status}.");
    }

    private IActionResult Settled(GrantOutcome outcome, string notice) => outcome.Grant is null ? Refuse(outcome.Refusal!) : Done(notice);

    private Decider Decider(ConsoleUser me) => new(me.Subject, me.Groups, "console", HttpContext.Connection.RemoteIpAddress?.ToString());

    private static string[] Split(string? list) => list?.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
