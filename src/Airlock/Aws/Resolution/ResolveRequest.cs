using Airlock.Aws.SigV4;

namespace Airlock.Aws.Resolution;

/// <summary>What the resolver reads from a call: the signed head and, for RPC protocols, the small body.</summary>
internal sealed record ResolveRequest(SignableRequest Head, string SigningName, string Region, ReadOnlyMemory<byte>? Body);
