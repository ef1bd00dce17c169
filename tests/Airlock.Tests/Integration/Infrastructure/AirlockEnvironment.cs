using System.Text;
using System.Net;
using System.Xml.Linq;
using Airlock.Audit;
using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// One real stack for the integration tests: moto (signature checking on), a real OIDC issuer and the
/// real <c>airlock serve</c> process, all on 127.0.0.1.
/// </summary>
public sealed class AirlockEnvironment : IAsyncLifetime
{
    public const string Connection = "moto";

    /// <summary>How long the gateway holds a call under review before answering AirlockApprovalPending.</summary>
    public int HoldSeconds { get; init; } = 8;

    /// <summary>When set, the audit trail goes to this PostgreSQL database instead of the SQLite store.</summary>
    public string? AuditPostgresql { get; init; }

    /// <summary>
    /// When set, a folder of store files an older Airlock left (its <c>airlock.db</c> and keys), put in place before the
    /// gateway first starts: the SQLite store and its keys beside it, or, with a PostgreSQL store, the audit signing key.
    /// </summary>
    public string? SeedStoreFrom { get; init; }

    /// <summary>When true, <c>admin.listen</c> on a port of its own (<see cref="AdminUrl"/>): <c>/healthz</c> and <c>/readyz</c>.</summary>
    public bool Admin { get; init; }

    /// <summary>With <see cref="Admin"/>: <c>admin.metrics</c> (serve <c>/metrics</c>), on unless set false.</summary>
    public bool AdminMetrics { get; init; } = true;

    public string AdminUrl { get; private set; } = "";

    /// <summary>When set, <c>tracing.otlpEndpoint</c>.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>When set, <c>logging.format</c>.</summary>
    public string? LogFormat { get; init; }

    /// <summary>When set, <c>store.postgresql</c>: sessions, approvals, grants and (with no <see cref="AuditPostgresql"/>) the audit trail live there.</summary>
    public string? StorePostgresql { get; init; }

    /// <summary>The audit writer's queue (<c>audit.queueCapacity</c>); written one record per batch when set.</summary>
    public int? AuditQueueCapacity { get; init; }

    /// <summary>When set, <c>audit.witness.file</c>: each signed checkpoint is also appended there, and POSTed to the webhook receiver's <c>/witness</c>.</summary>
    public string? AuditWitnessFile { get; init; }

    /// <summary>When set, <c>masking.maxBodyBytes</c>: larger responses that need masking are withheld.</summary>
    public long? MaskingMaxBodyBytes { get; init; }

    /// <summary>When set, both <c>limits.maxBufferedBodyBytes</c> and <c>limits.maxBufferedBytesInFlight</c>.</summary>
    public long? BufferedBytesLimit { get; init; }

    /// <summary>A connection to the same moto through <see cref="Recorder"/>, which keeps the bytes moto receives.</summary>
    public const string RecordedConnection = "moto-recorded";

    public UpstreamRecorder Recorder { get; private set; } = null!;

    /// <summary>A connection whose endpoint nothing listens on (port 1, which only root could bind): no call reaches it.</summary>
    public const string UnreachableConnection = "nowhere";

    /// <summary>A connection to the same moto whose upstream credentials come from STS AssumeRole per session.</summary>
    public const string RoleConnection = "moto-role";
    public const string UpstreamKeyIdVariable = "AIRLOCK_TEST_UPSTREAM_KEY_ID";
    public const string UpstreamSecretVariable = "AIRLOCK_TEST_UPSTREAM_SECRET";

    public string WorkDir { get; } = Directory.CreateTempSubdirectory("airlock-it-").FullName;
    public TestIssuer Issuer { get; private set; } = null!;
    public MotoServer Moto { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public string ConfigPath => Path.Combine(WorkDir, "airlock.yaml");

    /// <summary>The gateway's https listener, for clients that take the TLS-only upload paths (aws-chunked trailers).</summary>
    public string TlsUrl { get; private set; } = "";

    /// <summary>The self-signed certificate clients trust for <see cref="TlsUrl"/>.</summary>
    public string CaBundle { get; private set; } = "";
    public string DatabasePath => Path.Combine(WorkDir, "data", "airlock.db");

    public WebhookReceiver Webhooks { get; private set; } = null!;

    /// <summary>The console's client id at the test issuer.</summary>
    public const string ConsoleClientId = "airlock-console";

    /// <summary>The Slack app's signing secret the gateway checks interactions against (<c>approvals.slack</c>).</summary>
    public const string SlackSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    /// <summary>Slack users the configuration maps: an sre, and one who is the requester <c>slack-requester</c> too.</summary>
    public const string SlackSre = "U0SRE0001", SlackSre2 = "U0SRE0002", SlackRequester = "U0REQ0001";

    /// <summary>Starts everything; what started is stopped again if a later part fails (xunit does not dispose a fixture that failed to start).</summary>
    public async Task InitializeAsync()
    {
        try
        {
            await StartAllAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Webhooks = await WebhookReceiver.StartAsync();
        Moto = await MotoServer.StartAsync(WorkDir);
        Recorder = await UpstreamRecorder.StartAsync(Moto.Endpoint);
        _port = MotoServer.FreePort();
        var tlsPort = MotoServer.FreePort();
        var (certificate, key) = Airlock.Demo.SelfSignedCertificate.Write(WorkDir);
        CaBundle = certificate;
        TlsUrl = $"https://127.0.0.1:{tlsPort}";
        AdminUrl = Admin ? $"http://127.0.0.1:{MotoServer.FreePort()}" : "";
        await File.WriteAllTextAsync(ConfigPath, $"""
            listen: http://127.0.0.1:{_port};{TlsUrl}
            {(Admin ? $"admin:\n  listen: {AdminUrl}\n  metrics: {(AdminMetrics ? "true" : "false")}" : "")}
            {(LogFormat is { } format ? $"logging:\n  format: {format}" : "")}
            {(OtlpEndpoint is { } otlp ? $"tracing:\n  otlpEndpoint: {otlp}" : "")}
            tls:
              certificateFile: {certificate}
              keyFile: {key}
            store:
              path: data/airlock.db
            {(StorePostgresql is null ? "" : $"  postgresql: \"{StorePostgresql}\"\n  secretKeyFile: {Path.Combine(WorkDir, "secret.key")}")}
            sessions:
              maxDurationSeconds: 3600
            issuers:
              - issuer: {Issuer.Issuer}
                audiences: [{TestIssuer.Audience}]
                groupsClaim: groups
                clockSkewSeconds: 0
                keyRefreshMinimumSeconds: 1
            connections:
              - name: {Connection}
                region: us-east-1
                accountId: "123456789012"
                endpoint: {Moto.Endpoint}
                credentials:
                  source: static
                  accessKeyIdEnv: {UpstreamKeyIdVariable}
                  secretAccessKeyEnv: {UpstreamSecretVariable}
              - name: {RecordedConnection}
                region: us-east-1
                accountId: "123456789012"
                endpoint: {Recorder.Url}
                credentials:
                  source: static
                  accessKeyIdEnv: {UpstreamKeyIdVariable}
                  secretAccessKeyEnv: {UpstreamSecretVariable}
              - name: {UnreachableConnection}
                region: us-east-1
                accountId: "123456789012"
                endpoint: http://127.0.0.1:1
                credentials:
                  source: static
                  accessKeyIdEnv: {UpstreamKeyIdVariable}
                  secretAccessKeyEnv: {UpstreamSecretVariable}
              - name: {RoleConnection}
                region: us-east-1
                accountId: "123456789012"
                endpoint: {Moto.Endpoint}
                credentials:
                  source: assume_role
                  roleArn: {Moto.RoleArn}
                  base:
                    source: static
                    accessKeyIdEnv: {UpstreamKeyIdVariable}
                    secretAccessKeyEnv: {UpstreamSecretVariable}
            approvals:
              holdSeconds: {HoldSeconds}
              grantApprovers: [sre]
              webhooks:
                - url: {Webhooks.Url}/flaky
                  format: json
                - url: {Webhooks.Url}/slack
                  format: slack
              slack:
                signingSecretFile: {Path.Combine(WorkDir, "slack-signing-secret")}
                responseUrlPrefix: {Webhooks.Url}/
                users:
                  {SlackSre}:
                    subject: slack-sre
                    groups: [sre]
                  {SlackSre2}:
                    subject: slack-sre-2
                    groups: [sre]
                  {SlackRequester}:
                    subject: slack-requester
                    groups: [sre]
            console:
              issuer: {Issuer.Issuer}
              clientId: {ConsoleClientId}
              roles:
                approvers: [sre]
                auditors: [auditors]
                admins: [security-admins]
            policy:
              files: [policy.yaml, reloadable.yaml]
            audit:
              readers: [auditors]
            {(AuditPostgresql is null ? "" : $"  postgresql: \"{AuditPostgresql}\"")}
            {((AuditPostgresql ?? StorePostgresql) is null ? "" : $"  signingKeyFile: {Path.Combine(WorkDir, "audit-signing.key")}")}
            {(AuditWitnessFile is { } witness ? $"  witness:\n    file: {witness}\n    url: {Webhooks.Url}/witness" : "")}
            {(AuditQueueCapacity is { } capacity ? $"  queueCapacity: {capacity}\n  batchSize: 1" : "")}
            {(BufferedBytesLimit is { } limit ? $"limits:\n  maxBufferedBodyBytes: {limit}\n  maxBufferedBytesInFlight: {limit}" : "")}
            masking:
            {(MaskingMaxBodyBytes is { } maskLimit ? $"  maxBodyBytes: {maskLimit}" : "")}
              model:
                unmaskedFor: [security-admins]
              rules:
                - name: customer-notes
                  action: "dynamodb:GetItem"
                  path: $.Item.notes.S
                  style: hash
                - name: iam-user-names
                  action: "iam:*"
                  path: "**/UserName"
                  style: partial
            """);
        await File.WriteAllTextAsync(Path.Combine(WorkDir, "policy.yaml"), """
            Statement:
              - Sid: AgentsWork
                Effect: Allow
                Principal: { Group: [agents] }
                Action: ["s3:*", "dynamodb:*", "secretsmanager:*", "sts:GetCallerIdentity"]
                Resource: "*"
              - Sid: PowerAgents
                Effect: Allow
                Principal: { Group: [power] }
                Action: "*"
                Resource: "*"
              - Sid: NoBucketDeletion
                Effect: Deny
                Principal: "*"
                Action: s3:DeleteBucket
                Resource: "*"
              - Sid: NoForbiddenWrites
                Effect: Deny
                Principal: "*"
                Action: ["s3:PutObject", "dynamodb:PutItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLDelete"]
                Resource: ["arn:aws:s3:::*/forbidden/*", "arn:aws:dynamodb:*:*:table/forbidden-*"]
              - Sid: ProtectedObjects
                Effect: Deny
                Principal: "*"
                Action: ["s3:GetObject", "s3:DeleteObject"]
                Resource: "arn:aws:s3:::*/protected/*"
              - Sid: KeptVersions
                Effect: Deny
                Principal: "*"
                Action: s3:DeleteObjectVersion
                Resource: "arn:aws:s3:::*/kept/*"
              - Sid: LockedStaysLocked
                Effect: Deny
                Principal: "*"
                Action: s3:BypassGovernanceRetention
                Resource: "arn:aws:s3:::*/locked/*"
              - Sid: NothingPublic
                Effect: Deny
                Principal: "*"
                Action: [s3:PutObjectAcl, s3:PutBucketAcl, s3:PutObjectRetention]
                Resource: ["arn:aws:s3:::*/shared/*", "arn:aws:s3:::public-*"]
              - Sid: LogsStayMasked
                Effect: Deny
                Principal: "*"
                Action: logs:Unmask
                Resource: "arn:aws:logs:*:*:log-group:masked-*"
              - Sid: PayrollStaysPut
                Effect: Deny
                Principal: "*"
                Action: lambda:InvokeFunction
                Resource: ["arn:aws:lambda:us-east-1:123456789012:function:payroll", "arn:aws:lambda:us-east-1:123456789012:function:payroll:prod"]
              - Sid: NotOtherAccountsQueues
                Effect: Deny
                Principal: "*"
                Action: sqs:SendMessage
                Resource: "arn:aws:sqs:*:210987654321:*"
              - Sid: VaultStaysShut
                Effect: Deny
                Principal: "*"
                Action: secretsmanager:GetSecretValue
                Resource: "arn:aws:secretsmanager:*:*:secret:vault-*/root-??????"
              - Sid: NoAdminRoles
                Effect: Deny
                Principal: "*"
                Action: iam:PassRole
                Resource: "arn:aws:iam::*:role/admin-*"
              - Sid: SealedListings
                Effect: Deny
                Principal: "*"
                Action: s3:ListBucket
                Resource: "arn:aws:s3:::sealed-*"
              - Sid: DropsNeedAnSre
                Effect: Review
                Principal: "*"
                Action: dynamodb:DeleteTable
                Resource: "arn:aws:dynamodb:*:*:table/*"
                Approvers: [sre]
              - Sid: CriticalDropsNeedTwo
                Effect: Review
                Principal: "*"
                Action: dynamodb:DeleteTable
                Resource: "arn:aws:dynamodb:*:*:table/q2-*"
                Approvers: [sre]
                Quorum: 2
            """);
        await File.WriteAllTextAsync(ReloadablePolicyPath, "Statement: []\n");
        await File.WriteAllTextAsync(Path.Combine(WorkDir, "slack-signing-secret"), SlackSigningSecret + "\n");
        if (SeedStoreFrom is { } seed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            foreach (var file in Directory.GetFiles(seed).Where(f => !f.EndsWith(".sql", StringComparison.Ordinal)))
            {
                var shared = (AuditPostgresql ?? StorePostgresql) is not null && Path.GetFileName(file) == "audit-signing.key";
                File.Copy(file, shared ? Path.Combine(WorkDir, "audit-signing.key") : Path.Combine(Path.GetDirectoryName(DatabasePath)!, Path.GetFileName(file)));
            }
        }

        await StartGatewayAsync();
    }

    /// <summary>A policy file the reload tests rewrite while the gateway runs.</summary>
    public string ReloadablePolicyPath => Path.Combine(WorkDir, "reloadable.yaml");

    private int _port;

    private async Task StartGatewayAsync()
    {
        Gateway = await GatewayProcess.StartAsync(ConfigPath, _port, GatewayEnvironment);
        if (Admin)
        {
            // Kestrel binds its listeners one after the other: the API's may answer before the admin one is bound.
            await Gateway.WaitForPortAsync(new Uri(AdminUrl).Port, "the admin listener");
        }
    }

    private Dictionary<string, string?> GatewayEnvironment => new()
    {
        [UpstreamKeyIdVariable] = Moto.AccessKeyId,
        [UpstreamSecretVariable] = Moto.SecretAccessKey,
    };

    /// <summary>
    /// A second gateway node on the same configuration (same upstream, issuer, policy, audit database and key) but a
    /// store and port of its own, as a second node of a deployment would have.
    /// </summary>
    public async Task<GatewayProcess> StartSecondGatewayAsync(string node = "node2")
    {
        var directory = Directory.CreateDirectory(Path.Combine(WorkDir, node)).FullName;
        var port = MotoServer.FreePort();
        var lines = (await File.ReadAllLinesAsync(ConfigPath)).Select(line =>
            line.StartsWith("listen:", StringComparison.Ordinal) ? $"listen: http://127.0.0.1:{port}"
            : line.StartsWith("  listen: ", StringComparison.Ordinal) ? $"  listen: http://127.0.0.1:{MotoServer.FreePort()}"
            : line.Trim() == "files: [policy.yaml, reloadable.yaml]" ? $"  files: [{Path.Combine(WorkDir, "policy.yaml")}, {ReloadablePolicyPath}]"
            : line);
        var config = Path.Combine(directory, "airlock.yaml");
        await File.WriteAllLinesAsync(config, lines);
        return await GatewayProcess.StartAsync(config, port, GatewayEnvironment);
    }

    /// <summary>Stops the gateway process (killed, or with SIGTERM when <paramref name="graceful"/>) and starts a new one on the same store and port.</summary>
    public async Task RestartGatewayAsync(bool graceful = false)
    {
        if (graceful)
        {
            Assert.Equal(0, await Gateway.StopAsync());
        }

        Gateway.Dispose();
        await StartGatewayAsync();
    }

    /// <summary>Exchanges a token at the gateway's STS-compatible endpoint, as the SDKs do.</summary>
    public async Task<(HttpStatusCode Status, XElement Body)> ExchangeAsync(string token, string connection = Connection, string? gateway = null)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync((gateway ?? Gateway.Url) + "/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = $"arn:aws:iam::123456789012:role/{connection}",
            ["RoleSessionName"] = "tests",
            ["WebIdentityToken"] = token,
        }));
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// A new session for <paramref name="subject"/> (group agents) and a DynamoDB table it created, to hold a DeleteTable
    /// of; through <paramref name="gateway"/> (another node) when given.
    /// </summary>
    public async Task<(SessionCredentials Credentials, string Table)> SessionWithTableAsync(string subject, string prefix, string? gateway = null)
    {
        var credentials = await NewSessionAsync(subject: subject, gateway: gateway);
        var table = UniqueName(prefix);
        var create = await CliV2AtAsync(gateway ?? Gateway.Url, credentials, "dynamodb", "create-table", "--table-name", table,
            "--attribute-definitions", "AttributeName=k,AttributeType=S", "--key-schema", "AttributeName=k,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST");
        Xunit.Assert.True(create.ExitCode == 0, create.ToString());
        return (credentials, table);
    }

    public async Task<SessionCredentials> NewSessionAsync(
        TimeSpan? tokenLifetime = null, string[]? groups = null, string subject = "agent-1", string connection = Connection, string? gateway = null)
    {
        var (status, body) = await ExchangeAsync(Issuer.Mint(subject: subject, groups: groups, lifetime: tokenLifetime), connection, gateway);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return new SessionCredentials(Find(body, "AccessKeyId"), Find(body, "SecretAccessKey"), Find(body, "SessionToken"));
    }

    public static string Find(XElement xml, string name) =>
        xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? throw new InvalidOperationException($"no {name} in {xml}");

    /// <summary>Debian's AWS CLI v2 through Airlock: --endpoint-url on every call, static session credentials.</summary>
    public Task<ProcessResult> CliV2Async(SessionCredentials credentials, params string[] args) => CliV2AtAsync(Gateway.Url, credentials, args);

    public Task<ProcessResult> CliV2AtAsync(string gateway, SessionCredentials credentials, params string[] args) =>
        ProcessRunner.RunAsync(Tools.AwsCliV2, [.. args, "--endpoint-url", gateway], WithCredentials(credentials));

    /// <summary>AWS CLI v1 through Airlock, pointed there by AWS_ENDPOINT_URL alone.</summary>
    public Task<ProcessResult> CliV1Async(SessionCredentials credentials, params string[] args)
    {
        var env = WithCredentials(credentials);
        env["AWS_ENDPOINT_URL"] = Gateway.Url;
        return ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", .. args], env);
    }

    /// <summary>A boto3 script through Airlock (AWS_ENDPOINT_URL), with <c>boto3</c>, <c>botocore.config</c> and <c>botocore.exceptions</c> imported.</summary>
    public Task<ProcessResult> Boto3Async(SessionCredentials credentials, string code)
    {
        var environment = WithCredentials(credentials);
        environment["AWS_ENDPOINT_URL"] = Gateway.Url;
        return ProcessRunner.RunAsync(Tools.Python, ["-c", "import boto3, botocore.config, botocore.exceptions\n" + code], environment);
    }

    /// <summary>AWS CLI v1 straight at moto with the upstream key: the tests' view of upstream state.</summary>
    public Task<ProcessResult> MotoAsync(params string[] args) =>
        ProcessRunner.RunAsync(Tools.Python, ["-m", "awscli", .. args, "--endpoint-url", Moto.Endpoint],
            WithCredentials(new SessionCredentials(Moto.AccessKeyId, Moto.SecretAccessKey, "")));

    public async Task<bool> BucketExistsUpstreamAsync(string bucket)
    {
        var result = await MotoAsync("s3api", "list-buckets", "--query", "Buckets[].Name", "--output", "text");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut.Split((char[])['\t', '\n', ' '], StringSplitOptions.RemoveEmptyEntries).Contains(bucket);
    }

    /// <summary>
    /// The fail-closed check for any way the audit store can fail: while <paramref name="takeDown"/>'s failure lasts, a
    /// bucket creation is refused and nothing reaches moto; after <paramref name="bringBack"/>, the same call goes through.
    /// </summary>
    public async Task AssertRefusedWhileStoreFailsThenRecoversAsync(SessionCredentials credentials, Func<Task> takeDown, Func<Task> bringBack)
    {
        var bucket = UniqueName("store-down");
        await takeDown();
        ProcessResult refused;
        try
        {
            refused = await CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket, "--cli-read-timeout", "20");
        }
        finally
        {
            await bringBack();
        }

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("cannot record this call", refused.All);
        Assert.False(await BucketExistsUpstreamAsync(bucket));

        var recovered = await CliV2Async(credentials, "s3api", "create-bucket", "--bucket", bucket);
        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        Assert.True(await BucketExistsUpstreamAsync(bucket));
    }

    /// <summary>The real <c>airlock</c> command against this stack's configuration.</summary>
    public Task<ProcessResult> AirlockAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Tools.AirlockDll, .. args, "--config", ConfigPath], new Dictionary<string, string?>());

    /// <summary>SQL straight on the store's file, as someone with access to it would run it.</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>None of the values is in the gateway's log or in any file beside its store (database, WAL, journal).</summary>
    public async Task AssertNowhereInAirlockAsync(params string[] values)
    {
        var log = Gateway.ReadLog();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!))
        {
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            foreach (var value in values)
            {
                Assert.DoesNotContain(value, text);
                Assert.DoesNotContain(value, log);
            }
        }
    }

    /// <summary>
    /// Every audit record, from whichever store the gateway writes to, once the outcomes of finished calls are in:
    /// the gateway answers a call before its outcome record is committed (only the decision must be durable first).
    /// </summary>
    internal async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        await using var store = new AuditStore((AuditPostgresql ?? StorePostgresql) is { } postgresql ? new Airlock.Audit.Stores.PostgresAuditDatabase(postgresql)
            : new Airlock.Audit.Stores.SqliteAuditDatabase(new SqliteDatabase(DatabasePath)), new AuditOptions(), "", TimeProvider.System);
        for (var i = 0; i < 30 && await OutcomesPendingAsync(store) > 0; i++)
        {
            await Task.Delay(100);
        }

        return await store.TailAsync(100000, 0, CancellationToken.None);
    }

    // Forwarded calls whose outcome is not written yet (a call still in flight, or one cut off by a restart, keeps this above 0: hence the bound).
    private static async Task<long> OutcomesPendingAsync(AuditStore store)
    {
        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        await using var command = Airlock.Storage.DbCommandExtensions.Command(connection, null,
            "SELECT count(*) FROM audit WHERE decision = 'allow' AND completed_at IS NULL AND upstream_status IS NULL AND service <> 'airlock'");
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Dictionary<string, string?> WithCredentials(SessionCredentials credentials)
    {
        var env = ProcessRunner.SafeAwsEnvironment(WorkDir);
        env["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
        env["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        env["AWS_SESSION_TOKEN"] = credentials.SessionToken.Length > 0 ? credentials.SessionToken : null;
        return env;
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        Moto?.Dispose();
        if (Recorder is not null)
        {
            await Recorder.DisposeAsync();
        }
        if (Issuer is not null)
        {
            await Issuer.DisposeAsync();
        }

        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AirlockCollection : ICollectionFixture<AirlockEnvironment>
{
    public const string Name = "airlock";
}
