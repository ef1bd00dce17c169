using System.Security.Cryptography;
using System.Text;

namespace Airlock.Audit.Chain;

/// <summary>
/// The hash that links the audit log: each record's covers its sequence number, kind, time, content and the
/// previous record's hash, so changing, removing, inserting or moving a record breaks every link after it.
/// </summary>
internal static class ChainHash
{
    /// <summary>What the first record follows.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The hash that stands in the log for a text the audit row holds.</summary>
    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Compute(string previous, long seq, string kind, string time, string body) =>
        OfText($"{previous}\n{seq}\n{kind}\n{time}\n{body}");
}
