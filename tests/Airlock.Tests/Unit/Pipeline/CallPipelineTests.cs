using Airlock.Approvals;
using Xunit;

namespace Airlock.Tests.Unit.Pipeline;

/// <summary>The shared stages, driven directly through a front end of the tests' own (<see cref="TestDoor"/>).</summary>
public sealed class CallPipelineTests : IDisposable
{
    private const string Policy = """
        Statement:
          - Sid: Reads
            Effect: Allow
            Principal: { Group: [agents] }
            Action: [s3:ListBucket, s3:GetObject]
            Resource: "*"
          - Sid: NoSealed
            Effect: Deny
            Principal: "*"
            Action: s3:ListBucket
            Resource: "arn:aws:s3:::sealed"
          - Sid: DropsNeedAnSre
            Effect: Review
            Principal: "*"
            Action: dynamodb:DeleteTable
            Resource: "*"
            Approvers: [sre]
        """;

    private readonly PipelineKit _kit = new(Policy);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task AnAllowedCall_IsRecordedBeforeItRuns_AndCompletedAfter()
    {
        var door = new TestDoor(_kit);

        var answer = await door.CallAsync("s3:ListObjectsV2 arn:aws:s3:::reports", PipelineKit.Session());

        Assert.Equal("ok 200", answer);
        Assert.Equal("s3:ListObjectsV2 on prod as AKIDPIPELINE", Assert.Single(door.Ran));
        var (id, record) = Assert.Single(_kit.Audit.Records);
        Assert.Equal(("allow", "s3:ListObjectsV2"), (record.Decision, record.Action));
        Assert.Contains("(s3:ListBucket) is allowed by policy statement Reads", record.Reason);
        Assert.Equal("test-door", record.UserAgent);
        Assert.Equal(200, _kit.Audit.Completions[id].UpstreamStatus);
        Assert.Equal(["policy", "credentials", "audit"], _kit.Audit.Completions[id].Timings.Keys);
    }

    [Fact]
    public async Task ACallRecordedAsRefusedInItsCommit_IsCountedAsRefused_NotAllowed()
    {
        var door = new TestDoor(_kit);
        _kit.Audit.RevokesAtCommit = true;

        var answer = await door.CallAsync("s3:ListObjects arn:aws:s3:::reports", PipelineKit.Session());

        Assert.Equal("refused SessionRevoked: Airlock session sess-test has been revoked.", answer);
        Assert.Empty(door.Ran);
        Assert.Equal("refuse", Assert.Single(_kit.Audit.Records.Values).Decision);
        Assert.Equal((0, 1), (Counted("ListObjects", "allow"), Counted("ListObjects", "refuse")));
    }

    [Fact]
    public async Task ACallWhoseRecordTheStoreDidNotTake_IsNotCountedAsAllowed()
    {
        var door = new TestDoor(_kit);
        _kit.Audit.Fails = true;

        var answer = await door.CallAsync("s3:HeadObject arn:aws:s3:::reports/q3.csv", PipelineKit.Session());

        Assert.StartsWith("refused RecordUnavailable", answer);
        Assert.Empty(door.Ran);
        Assert.Equal(0, Counted("HeadObject", "allow"));
    }

    /// <summary>The decisions metric for an s3 operation of the kit's connection through the test door (no other test's labels).</summary>
    private static double Counted(string operation, string decision) =>
        Airlock.Telemetry.CallMetrics.Decisions.WithLabels("test-door", "prod", "s3", operation, decision).Value;

    [Fact]
    public async Task ADeniedCall_IsRefusedAndRecorded_AndNeverPrepared()
    {
        var door = new TestDoor(_kit);

        var answer = await door.CallAsync("s3:HeadBucket arn:aws:s3:::sealed", PipelineKit.Session());

        Assert.StartsWith("refused AccessDenied: Airlock denied s3:HeadBucket (s3:ListBucket): ", answer);
        Assert.Empty(door.Ran);
        var record = Assert.Single(_kit.Audit.Records.Values);
        Assert.Equal("deny", record.Decision);
        Assert.Contains("NoSealed", record.Reason);
    }

    [Fact]
    public async Task AHeldCall_RunsOnceAPersonApproves()
    {
        using var kit = new PipelineKit(Policy, holdSeconds: 30);
        var door = new TestDoor(kit);

        var held = door.CallAsync("dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:1:table/orders", PipelineKit.Session());
        var approval = await PendingAsync(kit);
        await kit.Approvals.VoteAsync(approval.Id, new ApprovalVote("sre-1", "approve", "checked", DateTimeOffset.UtcNow), CancellationToken.None);
        kit.Gate.Wake(approval.Id);

        Assert.Equal("ok 200", await held);
        Assert.Single(door.Ran);
        var records = kit.Audit.Records.Values.OrderBy(r => r.Id).ToList();
        Assert.Contains(records, r => r.Decision == "review" && r.Reason!.StartsWith($"held for approval {approval.Id}", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Decision == "allow" && r.Reason == $"approved in {approval.Id} by sre-1");
    }

    [Fact]
    public async Task AHeldCall_WhoseSessionIsRevokedWhileItWaits_IsRefusedWhenApproved_AndDoesNotRun()
    {
        using var kit = new PipelineKit(Policy, holdSeconds: 30);
        var door = new TestDoor(kit);

        var held = door.CallAsync("dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:1:table/orders", PipelineKit.Session());
        var approval = await PendingAsync(kit);
        Assert.True(await kit.Sessions.RevokeAsync("sess-test", DateTimeOffset.UtcNow, CancellationToken.None));
        await kit.Approvals.VoteAsync(approval.Id, new ApprovalVote("sre-1", "approve", "checked", DateTimeOffset.UtcNow), CancellationToken.None);
        kit.Gate.Wake(approval.Id);

        Assert.Equal("refused SessionRevoked: Airlock session sess-test has been revoked.", await held);
        Assert.Empty(door.Ran);
        var records = kit.Audit.Records.Values.Where(r => r.Action == "dynamodb:DeleteTable").ToList();
        Assert.DoesNotContain(records, r => r.Decision == "allow");
        Assert.Contains(records, r => r.Decision == "refuse" && r.Reason == "SessionRevoked: Airlock session sess-test has been revoked.");
    }

    [Fact]
    public async Task AHeldCall_NobodyDecides_IsAnsweredPending_AndDoesNotRun()
    {
        var door = new TestDoor(_kit);

        var answer = await door.CallAsync("dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:1:table/orders", PipelineKit.Session());

        Assert.StartsWith("refused ApprovalPending: dynamodb:DeleteTable is waiting for approval apr-", answer);
        Assert.Empty(door.Ran);
        var review = Assert.Single(_kit.Audit.Records.Values, r => r.Decision == "review");
        Assert.EndsWith("still undecided when the hold ended: answered AirlockApprovalPending", _kit.Audit.Completions[review.Id].Failure);
    }

    [Fact]
    public async Task AHeldCall_WhenTheNodeStops_IsHandedBackUndecided_AndItsApprovalStaysPending()
    {
        using var kit = new PipelineKit(Policy, holdSeconds: 30);
        var door = new TestDoor(kit);

        var held = door.CallAsync("dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:1:table/orders", PipelineKit.Session());
        var approval = await PendingAsync(kit);
        kit.Lifetime.StopApplication();

        Assert.StartsWith($"refused HandedBack: This Airlock node is stopping. dynamodb:DeleteTable is still waiting for approval {approval.Id}", await held);
        Assert.Empty(door.Ran);
        var review = Assert.Single(kit.Audit.Records.Values, r => r.Decision == "review");
        Assert.EndsWith("still undecided when this node stopped: handed back to be retried", kit.Audit.Completions[review.Id].Failure);
        Assert.Equal("pending", (await kit.Approvals.GetAsync(approval.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task ACallWhoseRecordCannotBeWritten_IsRefused_AndNothingRuns()
    {
        var door = new TestDoor(_kit);
        _kit.Audit.Fails = true;

        var answer = await door.CallAsync("s3:ListObjectsV2 arn:aws:s3:::reports", PipelineKit.Session());

        Assert.StartsWith("refused RecordUnavailable:", answer);
        Assert.Empty(door.Ran);
        Assert.Empty(_kit.Audit.Records);
    }

    [Fact]
    public async Task WhatTheExecutorMasked_IsInTheCallsRecord()
    {
        var door = new TestDoor(_kit) { MaskedByExecutor = ["SecretString (model)"] };

        Assert.Equal("ok 200", await door.CallAsync("s3:GetObject arn:aws:s3:::reports/a.csv", PipelineKit.Session()));

        var id = Assert.Single(_kit.Audit.Records.Keys);
        Assert.Equal(["SecretString (model)"], _kit.Audit.Completions[id].Masked);
    }

    [Fact]
    public async Task ACallWithoutAnUpstreamCredential_IsRefused_AndNothingRuns()
    {
        using var kit = new PipelineKit(Policy, withCredentials: false);
        var door = new TestDoor(kit);

        var answer = await door.CallAsync("s3:ListObjectsV2 arn:aws:s3:::reports", PipelineKit.Session());

        Assert.Equal("refused NoUpstreamCredential: Airlock has no upstream credential for connection 'prod'; the call was not sent.", answer);
        Assert.Empty(door.Ran);
        Assert.Equal("refuse", Assert.Single(kit.Audit.Records.Values).Decision);
    }

    private static async Task<Approval> PendingAsync(PipelineKit kit)
    {
        for (var i = 0; i < 500; i++)
        {
            if ((await kit.Approvals.ListAsync("pending", CancellationToken.None)).FirstOrDefault() is { } pending)
            {
                return pending;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("no approval was opened");
    }
}
