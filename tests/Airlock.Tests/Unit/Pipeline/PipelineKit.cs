using System.Collections.Concurrent;
using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Identity;
using Airlock.Pipeline;
using Airlock.Policy;
using Airlock.Storage;
using Airlock.Tests.Unit.Policy;
using Airlock.Upstream;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airlock.Tests.Unit.Pipeline;

/// <summary>
/// The shared stages, built without a process: a real SQLite store for approvals and grants, a policy, a connection
/// with file credentials, and an audit trail kept in memory (which can be told to fail).
/// </summary>
internal sealed class PipelineKit : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("airlock-pipeline-").FullName;

    public PipelineKit(string policyYaml, bool withCredentials = true, int holdSeconds = 1)
    {
        var database = new SqliteDatabase(Path.Combine(_dir, "airlock.db"));
        database.EnsureSchema();
        Approvals = new ApprovalStore(database);
        var approvalOptions = new ApprovalOptions { HoldSeconds = holdSeconds };
        Gate = new ApprovalGate(Approvals, approvalOptions, new ApprovalNotifier(approvalOptions, new WebhookOutbox(database), Audit, TimeProvider.System, NullLogger<ApprovalNotifier>.Instance), Audit, TimeProvider.System,
            Lifetime);
        Recorder = new CallRecorder(Audit, new Airlock.Telemetry.CallMeter(true), TimeProvider.System, NullLogger<CallRecorder>.Instance);
        var credentialFiles = new UpstreamCredentialOptions
        {
            Source = "file",
            AccessKeyIdFile = Write("key-id", "AKIDPIPELINE"),
            SecretAccessKeyFile = withCredentials ? Write("secret", "pipeline-secret") : Path.Combine(_dir, "missing"),
        };
        var connection = new ConnectionOptions { Name = "prod", Credentials = credentialFiles };
        var policy = PolicyTestKit.Compile(policyYaml);
        var holder = new PolicyHolder(policy, null, [], Airlock.Aws.Catalog.ServiceCatalog.Default, NullLogger<PolicyHolder>.Instance);
        Sessions = new SessionStore(database, new SecretSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), []));
        Sessions.CreateAsync(Session(), CancellationToken.None).GetAwaiter().GetResult();
        Pipeline = new CallPipeline(
            new AuthorizeStage(policy, new GrantStore(database)),
            new HoldStage(Gate, Recorder, "http://127.0.0.1:1"),
            new CredentialsStage(new Connections([connection]),
                new AssumeRoleCredentials(new HttpClient(), holder, Sessions, TimeProvider.System, NullLogger<AssumeRoleCredentials>.Instance)),
            Recorder, Sessions);
    }

    public MemoryAuditStore Audit { get; } = new();

    /// <summary>The store's sessions, holding the one <see cref="Session"/> calls with.</summary>
    public SessionStore Sessions { get; }

    /// <summary>The node's lifetime: <see cref="NodeLifetime.StopApplication"/> stops it as a SIGTERM would.</summary>
    public NodeLifetime Lifetime { get; } = new();

    public ApprovalStore Approvals { get; }

    public ApprovalGate Gate { get; }

    public CallRecorder Recorder { get; }

    public CallPipeline Pipeline { get; }

    public static Session Session(string subject = "agent-1", params string[] groups) =>
        new("sess-test", "ASIATEST", "secret", "token", subject, "https://idp.example.com", groups.Length > 0 ? groups : ["agents"], "prod",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), null);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        Lifetime.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>An audit trail in memory: every record and completion kept, appends refused on demand.</summary>
internal sealed class MemoryAuditStore : IAuditStore
{
    private long _next;

    public ConcurrentDictionary<long, AuditEntry> Records { get; } = new();

    public ConcurrentDictionary<long, AuditCompletion> Completions { get; } = new();

    public bool Fails { get; set; }

    /// <summary>Records a decision to run as refused, as the SQLite writer does for a session revoked before the commit.</summary>
    public bool RevokesAtCommit { get; set; }

    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        if (Fails)
        {
            return Task.FromException<long>(new InvalidOperationException("the audit store is down"));
        }

        if (RevokesAtCommit && entry.Decision == "allow")
        {
            var message = Airlock.Identity.Session.RevokedMessage(entry.SessionId!);
            Records[Interlocked.Increment(ref _next)] = entry with { Decision = "refuse", Reason = Airlock.Aws.Errors.AwsError.InvalidClientTokenId(message).RecordedReason };
            return Task.FromException<long>(new SessionRevokedException(message));
        }

        var id = Interlocked.Increment(ref _next);
        Records[id] = entry with { Id = id };
        return Task.FromResult(id);
    }

    public Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken)
    {
        Completions[id] = completion;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> TailAsync(int count, long afterId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>(Records.Values.Where(r => r.Id > afterId).OrderBy(r => r.Id).Take(count).ToList());
}

/// <summary>A node's lifetime the test stops when it likes.</summary>
internal sealed class NodeLifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
