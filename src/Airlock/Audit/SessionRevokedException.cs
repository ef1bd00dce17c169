namespace Airlock.Audit;

/// <summary>
/// The call's session was revoked after the gateway read it: the writer recorded the call as refused instead of
/// allowed, in the same commit, so it must not run. The message is the refusal's, for the caller.
/// </summary>
internal sealed class SessionRevokedException(string message) : Exception(message);
