using System.Collections.Concurrent;
using System.Security.Cryptography;
using Airlock.Audit;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Approvals;

/// <summary>How a held call ended.</summary>
internal enum HoldOutcome
{
    Approved,
    Denied,
    Pending,

    /// <summary>This node is stopping: the call is handed back undecided, and its retry (on any node) finds the same approval.</summary>
    HandedBack,
}

internal sealed record HoldResult(HoldOutcome Outcome, Approval Approval);

/// <summary>
/// Holds a call under review: finds or opens its approval, then waits — up to the hold time — for a
/// decision, taken on any gateway node (the store is polled) or on this one (which wakes the wait at once).
/// An approval is used once: by the held call, or by the same call retried by the same session.
/// </summary>
/// A node that is stopping hands its held calls back at once rather than keeping its shutdown waiting on people.
internal sealed class ApprovalGate(
    ApprovalStore store, ApprovalOptions options, ApprovalNotifier notifier, IAuditStore audit, TimeProvider time, IHostApplicationLifetime lifetime)
{
    /// <summary>Where approvers decide one approval (the API; the console later).</summary>
    public string DecideUrl(string id, string gateway) => $"{(options.PublicUrl ?? gateway).TrimEnd('/')}{ApprovalsApi.Prefix}/{id}";

    // Decisions taken on this node, or nudged from another (ApprovalWakeups), wake the held call at once; the node's
    // one poll catches those whose nudge was lost.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _wakers = new(StringComparer.Ordinal);
    private int _polling;

    /// <summary>
    /// Finds or opens the call's approval: <see cref="HoldOutcome.Approved"/> when an approval of the same call was
    /// already granted (and is now used), else <see cref="HoldOutcome.Pending"/>, to be waited on with <see cref="WaitAsync"/>.
    /// </summary>
    public async Task<HoldResult> OpenAsync(
        Session session, PolicyDecision decision, string action, IReadOnlyList<string> resources, IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> callParameters, string gateway, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The fingerprint takes the call's whole parameters: the recorded ones are masked, and two masked values may look alike.
        var fingerprint = ApprovalFingerprint.Of(session, action, resources, callParameters);
        var approval = await store.FindForCallAsync(session.Id, fingerprint, now, cancellationToken);
        if (approval is { Status: "approved" } && await store.ConsumeAsync(approval.Id, cancellationToken))
        {
            return new HoldResult(HoldOutcome.Approved, approval);
        }

        if (approval is not { Status: "pending" })
        {
            approval = new Approval
            {
                Id = "apr-" + RandomNumberGenerator.GetHexString(12, lowercase: true),
                CreatedAt = now,
                ExpiresAt = now + TimeSpan.FromSeconds(options.TtlSeconds),
                Status = "pending",
                SessionId = session.Id,
                Requester = session.Subject,
                Connection = session.Connection,
                Action = action,
                Resources = resources,
                Parameters = parameters,
                Fingerprint = fingerprint,
                ApproverGroups = decision.Statements.SelectMany(s => s.Approvers).Distinct().ToArray(),
                Quorum = decision.Statements.Max(s => s.Quorum),
                Reason = decision.Reason,
            };
            await store.CreateAsync(approval, cancellationToken);
            // The hold is part of the session's story: a replay shows it between the call and its approval.
            await audit.AppendAsync(AuditEntry.OfAirlock(now, session.Subject, "RequestApproval", approval.Id,
                $"{action} held for {approval.Deciders}")
                with { SessionId = session.Id, Connection = session.Connection }, cancellationToken);
            await notifier.NotifyAsync("approval.requested", approval, DecideUrl(approval.Id, gateway), CancellationToken.None);
        }

        return new HoldResult(HoldOutcome.Pending, approval);
    }

    /// <summary>Waits, up to the hold time, for a decision on <paramref name="approval"/>.</summary>
    public async Task<HoldResult> WaitAsync(Approval approval, CancellationToken cancellationToken)
    {
        var left = TimeSpan.FromSeconds(options.HoldSeconds);
        var waker = _wakers.GetOrAdd(approval.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsurePolling();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stoppingRegistration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        // One timer for the whole hold, stopped when the hold ends before it.
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeUp = Task.Delay(left, holding.Token);
        try
        {
            while (true)
            {
                await Task.WhenAny(waker.Task, stopping.Task, timeUp);
                cancellationToken.ThrowIfCancellationRequested();
                var current = await store.GetAsync(approval.Id, cancellationToken) ?? approval;
                if (current.Status == "approved" && await store.ConsumeAsync(current.Id, cancellationToken))
                {
                    return new HoldResult(HoldOutcome.Approved, current);
                }

                if (current.Status == "denied")
                {
                    return new HoldResult(HoldOutcome.Denied, current);
                }

                if (stopping.Task.IsCompleted)
                {
                    return new HoldResult(HoldOutcome.HandedBack, current);
                }

                if (timeUp.IsCompleted)
                {
                    return new HoldResult(HoldOutcome.Pending, approval);
                }

                if (waker.Task.IsCompleted)
                {
                    _wakers.TryRemove(approval.Id, out _);
                    waker = _wakers.GetOrAdd(approval.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }
            }
        }
        finally
        {
            _wakers.TryRemove(approval.Id, out _);
            holding.Cancel();
        }
    }

    /// <summary>Starts the node's one poll of the store for the calls it holds, unless it runs.</summary>
    private void EnsurePolling()
    {
        if (Interlocked.CompareExchange(ref _polling, 1, 0) == 0)
        {
            _ = PollAsync();
        }
    }

    /// <summary>
    /// Once a second, while this node holds calls, wakes those whose approval was decided anywhere (a lost nudge, or a
    /// store without them): one query for every held call, where each call used to read its own approval.
    /// </summary>
    private async Task PollAsync()
    {
        while (true)
        {
            await Task.Delay(PollInterval);
            if (_wakers.IsEmpty)
            {
                Volatile.Write(ref _polling, 0);
                // A call held since the check saw the poll still running and started none: this one goes on for it.
                if (_wakers.IsEmpty || Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            try
            {
                foreach (var id in await store.DecidedAmongAsync(_wakers.Keys, CancellationToken.None))
                {
                    Wake(id);
                }
            }
            catch (Exception)
            {
                // The store is out of reach: the held calls wait on, and the next tick asks again.
            }
        }
    }

    /// <summary>Wakes a call held on this node: its approval was just decided here.</summary>
    public void Wake(string approvalId)
    {
        if (_wakers.TryGetValue(approvalId, out var waker))
        {
            waker.TrySetResult();
        }
    }
}
