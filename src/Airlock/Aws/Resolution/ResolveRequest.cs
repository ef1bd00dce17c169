using Airlock.Aws.SigV4;

namespace Airlock.Aws.Resolution;

/// <summary>
/// What the resolver reads from a call: the signed head (path-style for S3) and, when it was read
/// whole, the body. Streaming bodies (S3 PutObject) are never read for resolution.
/// </summary>
internal sealed record ResolveRequest(SignableRequest Head, string SigningName, string Region, ReadOnlyMemory<byte>? Body, string Account = "000000000000");
