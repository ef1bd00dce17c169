using Airlock.Audit;

namespace Airlock.Pipeline;

/// <summary>Why the shared stages refused a call, in no protocol's words: each front end says it in its own.</summary>
internal enum RefusalKind
{
    /// <summary>The policy denies the call or one of the permissions it needs, explicitly or with nothing allowing it.</summary>
    AccessDenied,

    /// <summary>A person denied the held call.</summary>
    ApprovalDenied,

    /// <summary>The hold ended before anyone decided: the same call, retried, finds the same approval.</summary>
    ApprovalPending,

    /// <summary>The call's record (or its hold) could not be written, so it was not run.</summary>
    RecordUnavailable,

    /// <summary>No upstream credential could be had for the session's connection.</summary>
    NoUpstreamCredential,

    /// <summary>This node stopped while the call was held: retried (on any node), the call finds the same approval.</summary>
    HandedBack,

    /// <summary>The call's session was revoked before the call could run (while it was held, or before its decision was recorded).</summary>
    SessionRevoked,
}

/// <summary>A refusal by the shared stages: its kind and a message a person understands.</summary>
internal sealed record Refusal(RefusalKind Kind, string Message)
{
    /// <summary>How the refusal is recorded: <c>deny</c> for a decision against the call, <c>refuse</c> for what stopped it.</summary>
    public CallDecision Decision => Kind is RefusalKind.AccessDenied or RefusalKind.ApprovalDenied ? CallDecision.Deny : CallDecision.Refuse;

    /// <summary>
    /// False where the refusal gets no record of its own: a pending hold completes the call's review record, a
    /// record that cannot be written cannot record its own failure (the log says why), and the audit writer records a
    /// session revoked before the commit of the call's decision in place of that decision.
    /// </summary>
    public bool Recorded => !RecordedByWriter && Kind is not (RefusalKind.ApprovalPending or RefusalKind.HandedBack or RefusalKind.RecordUnavailable);

    /// <summary>The audit writer recorded the refusal itself, in place of the call's decision.</summary>
    public bool RecordedByWriter { get; init; }

    /// <summary>What made the record unavailable, for the log.</summary>
    public Exception? Cause { get; init; }

    public static Refusal Revoked(SessionRevokedException revoked) => new(RefusalKind.SessionRevoked, revoked.Message) { RecordedByWriter = true };

    public static Refusal Unrecorded(Exception cause) =>
        new(RefusalKind.RecordUnavailable, "Airlock cannot record this call in its audit store, so it was not sent. Try again later.") { Cause = cause };
}
