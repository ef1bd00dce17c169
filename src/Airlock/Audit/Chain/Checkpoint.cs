using System.Text;

namespace Airlock.Audit.Chain;

/// <summary>
/// A signed statement that the log held <see cref="Seq"/> records ending in <see cref="Hash"/> at <see cref="Time"/>:
/// what remains of the log must still reach it, so a cut tail or a rewritten history is seen.
/// </summary>
internal sealed record Checkpoint(long Seq, string Hash, string Time, string KeyId, string Signature)
{
    public static byte[] Message(long seq, string hash, string time) =>
        Encoding.UTF8.GetBytes($"airlock-audit-checkpoint\n{seq}\n{hash}\n{time}");

    public bool IsSignedBy(byte[] publicKey) =>
        Ed25519.Verify(publicKey, Message(Seq, Hash, Time), Convert.FromBase64String(Signature));
}
