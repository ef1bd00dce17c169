using Airlock.Aws.SigV4;
using Airlock.Pipeline;
using Airlock.Policy;

namespace Airlock.Gateway;

/// <summary>
/// A SigV4-signed call: verified against its session, resolved to its operation, and handed to the shared stages with an
/// executor that re-signs and streams it; the calls Airlock answers itself are answered here.
/// </summary>
internal sealed class SignedCallHandler(
    SigV4Authenticator authenticator, AwsCallResolver resolver, AirlockAnsweredCalls airlockAnswered, CallPipeline pipeline, AwsCallRuns runs, AwsAnswers answers)
{
    public async Task HandleAsync(CallContext call, SignableRequest head, SigV4Authorization auth)
    {
        var (verified, unverified) = await authenticator.VerifyAsync(call, head, auth);
        if (unverified is not null)
        {
            await answers.RefuseAsync(call, unverified.Error, unverified.Audited);
            return;
        }

        var session = verified!.Session;
        call.Mark("verify");
        // Signed for Airlock, not for S3: an S3 call's path is a bucket's or an object's (a key may be "_airlock/permissions").
        if (verified.Head.RawPath == AirlockAnsweredCalls.PermissionsPath && HttpMethods.IsGet(verified.Head.Method) && !verified.Head.IsS3)
        {
            await airlockAnswered.PermissionsAsync(call, session);
            return;
        }

        var (resolved, unknown) = await resolver.ResolveAsync(call, verified, auth);
        if (unknown is not null)
        {
            await answers.RefuseAsync(call, unknown);
            return;
        }

        var operation = resolved!.Operation;
        call.Mark("resolve");
        if (operation.Action == "sts:GetCallerIdentity")
        {
            await airlockAnswered.CallerIdentityAsync(call, session);
            return;
        }

        var policyRequest = new PolicyRequest(session.Subject, session.Groups, session.Connection, operation.Action, operation.Resources)
        {
            IamAction = operation.IamAction,
            AccessLevel = operation.AccessLevel,
            Issuer = session.Issuer,
            Region = auth.Scope.Region,
            SourceIp = call.Http.Connection.RemoteIpAddress,
            Time = verified.Now,
            Parameters = operation.Parameters,
        };
        await pipeline.RunAsync(call, policyRequest, operation.AlsoRequires, operation.Parameters, runs.For(call, auth, resolved));
    }
}
