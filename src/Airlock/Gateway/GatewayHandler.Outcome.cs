using Airlock.Aws.Resolution;
using Airlock.Identity;
using Airlock.Masking;

namespace Airlock.Gateway;

// How the response of a call through the AWS API front end is masked, and how much of it the record keeps.
internal sealed partial class GatewayHandler
{
    /// <summary>The masking of this call's response: the caller's plan (their exemptions applied) and the audit trail's (none).</summary>
    private ResponseMasking? ResponseMaskingFor(ResolvedOperation operation, Session session)
    {
        var caller = masking.Plan(operation.Service, operation.Operation, operation.Action, session.Groups);
        if (caller.IsEmpty)
        {
            return null;
        }

        var options = masking.Options;
        return new ResponseMasking(caller, masking.Plan(operation.Service, operation.Operation, operation.Action, []), operation.Service, operation.Operation,
            masking.Masker, options.MaxBodyBytes, options.AuditResponseBytes, options.Objects.ContentTypes, operation.WireProtocol);
    }

    /// <summary>
    /// How much of a response that is not masked the record keeps: only where masking would change nothing even for a
    /// caller with no exemptions (so an exempt caller's unmasked view never reaches the trail), and never object data.
    /// </summary>
    private int RecordedResponseBytes(ResolvedOperation operation) =>
        operation.Operation.RawOutput is null && masking.Plan(operation.Service, operation.Operation, operation.Action, []).IsEmpty
            ? masking.Options.AuditResponseBytes
            : 0;
}
