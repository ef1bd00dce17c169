using Airlock.Aws.SigV4;
using Airlock.Masking;
using Airlock.Upstream;

namespace Airlock.Gateway;

/// <summary>The AWS API front end's executor for each resolved call: re-signed and streamed, its response masked as the caller's groups allow.</summary>
internal sealed class AwsCallRuns(Forwarder forwarder, MaskPlanner masking, AwsAnswers answers, ILogger<GatewayHandler> logger)
{
    public AwsCallRun For(CallContext call, SigV4Authorization auth, AwsCallResolver.Resolved resolved)
    {
        var operation = resolved.Operation;
        return new AwsCallRun(forwarder, answers.RefuseAsync, logger, call, auth, resolved.Verified, operation,
            masking.ForResponse(operation, resolved.Verified.Session.Groups), masking.RecordedResponseBytes(operation));
    }
}
