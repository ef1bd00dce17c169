using Airlock.Approvals;
using Microsoft.AspNetCore.Mvc;

namespace Airlock.WebConsole.Pages;

/// <summary>
/// The approvals inbox: pending calls this user may see (live, through <see cref="ApprovalsFeed"/>), each with what
/// an approver needs to decide, and the decided ones. Deciding goes through <see cref="ApprovalDecisions"/>, which
/// checks again, at that moment, that this user may decide this approval.
/// </summary>
internal sealed class ApprovalsModel(ApprovalStore store, ApprovalDecisions decisions, TimeProvider time) : ConsolePageModel
{
    private const int DecidedShown = 50;

    public ConsoleUser Me { get; private set; } = null!;
    public IReadOnlyList<Approval> Pending { get; private set; } = [];
    public IReadOnlyList<Approval> Decided { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>The list alone, for the live refresh.</summary>
    public async Task<IActionResult> OnGetListAsync()
    {
        await LoadAsync();
        return Partial("_ApprovalList", this);
    }

    public Task<IActionResult> OnPostApproveAsync(string id, int? uses, int? validForMinutes) =>
        DecideAsync(id, "approve", null, uses, validForMinutes);

    public Task<IActionResult> OnPostDenyAsync(string id, string? reason) => string.IsNullOrWhiteSpace(reason)
        ? Task.FromResult(Refuse("Give a reason to deny: the requester sees it."))
        : DecideAsync(id, "deny", reason.Trim(), null, null);

    /// <summary>May this user act on this approval at all (the store checks again when they do)?</summary>
    public bool MayDecide(Approval approval) =>
        Me.MayDecide && approval.Status == "pending" && approval.Requester != Me.Subject && approval.ApproverGroups.Intersect(Me.Groups).Any()
        && approval.Votes.All(v => v.Approver != Me.Subject);

    private async Task<IActionResult> DecideAsync(string id, string decision, string? reason, int? uses, int? validForMinutes)
    {
        var me = ConsoleUser.From(User)!;
        if (!me.MayDecide)
        {
            await ConsoleAudit.RecordAsync(HttpContext, me.Subject, decision == "approve" ? "ApproveCall" : "DenyCall", id,
                $"refused: {me.Subject} holds no approver role in the console", refused: true);
            return Forbid();
        }

        if (uses is < 1 or > 100 || validForMinutes is < 1 or > 24 * 60)
        {
            return Refuse("Uses are 1 to 100, and valid-for 1 minute to 24 hours.");
        }

        var decider = new Decider(me.Subject, me.Groups, "console", HttpContext.Connection.RemoteIpAddress?.ToString());
        var outcome = await decisions.DecideAsync(id, decision, decider, reason, uses, validForMinutes * 60,
            $"{Request.Scheme}://{Request.Host}", HttpContext.RequestAborted);
        if (outcome.Decided is not { } decided)
        {
            return outcome.Status == 403 ? Forbid() : Refuse(outcome.Refusal!);
        }

        return Done($"{(decision == "approve" ? "Approved" : "Denied")} {decided.Action} of {decided.Requester}: the approval is now {decided.Status}.");
    }

    private async Task LoadAsync()
    {
        Me = ConsoleUser.From(User)!;
        Now = time.GetUtcNow();
        var all = await store.ListAsync(null, HttpContext.RequestAborted);
        var visible = all.Where(a => Me.MayAudit || a.Requester == Me.Subject || a.ApproverGroups.Intersect(Me.Groups).Any()).ToList();
        Pending = [.. visible.Where(a => a.Status == "pending" && a.ExpiresAt > Now)];
        Decided = [.. visible.Where(a => a.Status != "pending" || a.ExpiresAt <= Now).Take(DecidedShown)];
    }
}
