using Airlock.Audit;
using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Policy;

namespace Airlock.Pipeline;

/// <summary>
/// The shared stages every front end's calls go through once it has said who calls and what the call is: authorize
/// (policy, grants, Review), hold for approval, obtain the upstream credential, record the decision durably, run, and
/// complete the record. A front end supplies how to run the call and how to refuse it in its protocol.
/// </summary>
internal sealed class CallPipeline(AuthorizeStage authorize, HoldStage hold, CredentialsStage credentials, CallRecorder recorder, ISessionStore sessions)
{
    /// <summary>How the call ran; null when it was refused (and answered) before it ran.</summary>
    public async Task<Executed?> RunAsync(Call call, PolicyRequest request, IReadOnlyList<Authorization> alsoRequires,
        IReadOnlyDictionary<string, string> callParameters, IFrontEnd frontEnd)
    {
        var session = call.Session ?? throw new InvalidOperationException("A call reaches the shared stages with its session.");
        var (decision, reason, denied) = await authorize.RunAsync(request, alsoRequires, call.Aborted);
        if (denied is not null)
        {
            await RefuseAsync(call, denied, frontEnd);
            return null;
        }

        call.Mark("policy");
        if (decision!.IsReview)
        {
            if (await hold.RunAsync(call, session, decision, callParameters) is not { } released)
            {
                return null;
            }

            if (released.Refused is { } refused)
            {
                await RefuseAsync(call, refused, frontEnd);
                return null;
            }

            // A hold lasts as long as people take: the session is read again, so that one revoked (or removed) meanwhile
            // does not run on an approval. (With the SQLite store the audit writer checks it in the decision's commit too.)
            if (call.AccessKeyId is not { } key || await sessions.FindByAccessKeyAsync(key, call.Aborted) is not { Session.RevokedAt: null })
            {
                await RefuseAsync(call, new Refusal(RefusalKind.SessionRevoked, Session.RevokedMessage(session.Id)), frontEnd);
                return null;
            }

            reason = released.Reason;
            call.Mark("approval");
        }

        var upstream = await credentials.RunAsync(session, call.Aborted);
        if (upstream.Refused is { } none)
        {
            await RefuseAsync(call, none, frontEnd);
            return null;
        }

        call.Mark("credentials");
        // The decision is made durable while the front end builds and signs what will run; nothing runs before it is.
        var recording = recorder.RecordAsync(call, CallDecision.Allow, reason);
        // Refused at once (a full queue): nothing is built to run either.
        using var execution = recording.IsFaulted ? null : frontEnd.Prepare(call, upstream.Connection!, upstream.Credentials!);
        long id;
        try
        {
            id = await recording;
        }
        catch (SessionRevokedException revoked)
        {
            await RefuseAsync(call, Refusal.Revoked(revoked), frontEnd);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RefuseAsync(call, Refusal.Unrecorded(e), frontEnd);
            return null;
        }

        call.Mark("audit");
        call.SentUpstream = true;
        var executed = await execution!.RunAsync(call);
        recorder.Complete(call, id, executed.Status, executed.Failure, executed);
        return executed;
    }

    /// <summary>Every refusal of the stages ends here: why a record could not be written goes to the log, the rest to the front end.</summary>
    private async Task RefuseAsync(Call call, Refusal refusal, IFrontEnd frontEnd)
    {
        if (refusal.Cause is { } cause)
        {
            recorder.Unrecorded(call, cause);
        }

        await frontEnd.RefuseAsync(call, refusal);
    }
}
