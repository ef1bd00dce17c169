namespace Airlock.Gateway;

/// <summary>What the AWS API front end needs of the configuration.</summary>
/// <param name="PublicUrl">Where approvers reach this gateway (its first listen URL): held calls name their decide URL under it.</param>
/// <param name="MaxBufferedBodyBytes">The largest body read whole (json, query); bigger ones are refused.</param>
/// <param name="S3VirtualHostSuffixes">Host names under which callers address S3 buckets virtual-hosted style.</param>
/// <param name="RecordedRequestBodyBytes">How much of a buffered request body the audit record keeps.</param>
internal sealed record GatewayOptions(string PublicUrl, long MaxBufferedBodyBytes, IReadOnlyList<string> S3VirtualHostSuffixes, int RecordedRequestBodyBytes);
