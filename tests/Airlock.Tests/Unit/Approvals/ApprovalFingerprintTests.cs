using System.Text.Json;
using Airlock.Approvals;
using Airlock.Aws.SigV4;
using Airlock.Identity;
using Xunit;

namespace Airlock.Tests.Unit.Approvals;

/// <summary>
/// A held call's fingerprint covers parameters the trail never records (a password, a secret's value): it must not let
/// a reader of the store, who sees everything else about the call, test guesses of them.
/// </summary>
public sealed class ApprovalFingerprintTests
{
    private static readonly Dictionary<string, string> Call = new() { ["UserName"] = "alice", ["Password"] = "hunter2", ["ClientToken"] = "attempt-1" };

    [Fact]
    public void TheSameCall_InTheSameSession_HasTheSameFingerprint_WhateverItsIdempotencyToken()
    {
        var retry = new Dictionary<string, string>(Call) { ["ClientToken"] = "attempt-2" };

        Assert.Equal(Fingerprint("key-1", Call), Fingerprint("key-1", retry));
        Assert.NotEqual(Fingerprint("key-1", Call), Fingerprint("key-1", new Dictionary<string, string>(Call) { ["Password"] = "hunter3" }));
    }

    [Fact]
    public void WithoutTheSessionsKey_AGuessOfTheSecretCannotBeTested()
    {
        var stored = Fingerprint("key-1", Call);

        // What a reader of the store could compute from the approval's record and a guessed password.
        var guessed = SigV4Primitives.Sha256Hex("s-1\niam:CreateLoginProfile\narn:aws:iam::1:user/alice\nPassword=hunter2\nUserName=alice\n");
        Assert.NotEqual(guessed, stored);
        Assert.NotEqual(stored, Fingerprint("key-2", Call));
    }

    [Fact]
    public void AnApprovalShownByTheApi_DoesNotCarryItsFingerprint()
    {
        var approval = new Approval
        {
            Id = "apr-1", CreatedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch, Status = "pending", SessionId = "s-1",
            Requester = "agent", Connection = "prod", Action = "iam:CreateLoginProfile", Resources = [], Parameters = new Dictionary<string, string>(),
            Fingerprint = "fingerprint-value", ApproverGroups = ["sre"], Quorum = 1,
        };

        Assert.DoesNotContain("fingerprint-value", JsonSerializer.Serialize(approval, JsonSerializerOptions.Web));
    }

    /// <summary>Session s-1's CreateLoginProfile on alice, with the session's secret key given.</summary>
    private static string Fingerprint(string secret, IReadOnlyDictionary<string, string> parameters) => ApprovalFingerprint.Of(
        new Session("s-1", "ASIAS1", secret, "token", "agent", "https://idp", ["agents"], "prod", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), null),
        "iam:CreateLoginProfile", ["arn:aws:iam::1:user/alice"], parameters);
}
