using Airlock.Aws.Catalog;

namespace Airlock.Masking;

/// <summary>What the forwarder needs to mask one call's response.</summary>
/// <param name="Caller">The plan for the caller, less the sources their groups are exempt from.</param>
/// <param name="Audit">The plan for what the audit trail keeps: no exemptions.</param>
/// <param name="WireProtocol">The protocol the call was spoken in, which its response is too.</param>
internal sealed record ResponseMasking(
    MaskPlan Caller,
    MaskPlan Audit,
    ServiceModel Service,
    OperationModel Operation,
    Masker Masker,
    long MaxBodyBytes,
    int AuditBytes,
    IReadOnlyList<string> ScanContentTypes,
    string WireProtocol)
{
    public bool IsDynamoDb => Service.IsDynamoDb;
}

/// <summary>How a response body is masked.</summary>
internal enum BodyTreatment
{
    /// <summary>Streamed untouched (its headers may still be masked).</summary>
    PassThrough,
    Json,
    Xml,

    /// <summary>A smithy-rpc-v2-cbor body.</summary>
    Cbor,

    /// <summary>A raw payload read whole and run through the detectors as text.</summary>
    Text,

    /// <summary>A sensitive raw payload: replaced by its mask.</summary>
    ReplacePayload,

    /// <summary>A text object streamed through the detectors in bounded memory.</summary>
    ScanStream,
}
