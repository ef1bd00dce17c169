using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Airlock.Aws.Resolution;
using Airlock.Aws.SigV4;
using Airlock.Gateway;
using Airlock.Upstream;
using Microsoft.Data.Sqlite;

namespace Airlock.Load;

/// <summary>
/// The least a gateway can do per call and still keep issue 22's rules, on Airlock's own stack: the Kestrel hop, plus
/// the caller's body read whole and its SigV4 signature checked, a json body parsed and its form delimiters escaped
/// as Airlock escapes them (what runs is what was understood), one record per call made durable (SQLite in WAL mode,
/// <c>synchronous = FULL</c>, one writer committing whatever has queued in one transaction, as Airlock's does) before
/// the call goes upstream, and the call signed again for the upstream. Nothing else: no session store, policy, audit
/// chain or outcome record, masking, log line or metrics. Airlock cannot be faster than this on the same machine, so
/// its share of the hop's throughput says whether the rules leave room for the c64 goal; the gap between it and
/// Airlock is what the rest costs.
/// </summary>
internal static class DurableFloor
{
    // The load generator signs the reference paths' calls with this secret (Program.cs's "anyone").
    public const string CallerSecret = "bench-direct-secret-not-checked";

    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
        { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Authorization", "X-Amz-Date", "X-Amz-Content-Sha256" };

    /// <param name="trail">Keep each call's records through Airlock's own audit store (<see cref="FloorTrail"/>) instead of one short row.</param>
    public static async Task RunAsync(int port, Uri upstream, string databasePath, bool trail)
    {
        var app = KestrelHop.BuildApp(port);
        using var client = Forwarder.CreateClient();
        await using var records = trail ? null : new GroupCommit(databasePath);
        await using var audit = trail ? new FloorTrail(databasePath) : null;
        app.Run(http => RelayAsync(http, client, upstream, records, audit));
        Console.WriteLine($"durable floor{(trail ? " with Airlock's trail" : "")} http://127.0.0.1:{port} -> {upstream}, records in {databasePath}");
        await app.RunAsync();
    }

    private static async Task RelayAsync(HttpContext http, HttpMessageInvoker client, Uri upstream, GroupCommit? records, FloorTrail? audit)
    {
        var started = Stopwatch.GetTimestamp();
        var request = http.Request;
        if (request.Path == "/_floor/health")
        {
            return;
        }

        var head = IncomingRequest.Read(http);
        var body = new byte[request.ContentLength ?? 0];
        await request.Body.ReadExactlyAsync(body, http.RequestAborted);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        // S3 callers may sign a declared hash (or none) instead of the body's.
        var signedHash = request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } declared ? declared : payloadHash;
        var now = DateTimeOffset.UtcNow;
        if ((signedHash != payloadHash && signedHash != "UNSIGNED-PAYLOAD")
            || SigV4Authorization.FromHeader(request.Headers.Authorization.ToString(), request.Headers["x-amz-date"].ToString(), null) is not { } auth
            || SigV4Verifier.Verify(head, auth, CallerSecret, signedHash, now) != SignatureCheck.Valid)
        {
            http.Response.StatusCode = 403;
            return;
        }

        Dictionary<string, string>? parameters = null;
        if (body.Length > 0 && request.ContentType?.Contains("json", StringComparison.Ordinal) == true)
        {
            // What runs is what was understood, as Airlock does it: the body parsed (a body that does not parse is
            // refused), and sent as it came unless it holds form delimiters, which are escaped and signed with the
            // new body's hash, so no upstream could read it as another call.
            try
            {
                using var parsed = JsonDocument.Parse(body);
                parameters = audit is null ? null : FloorTrail.Parameters(parsed.RootElement);
            }
            catch (JsonException)
            {
                http.Response.StatusCode = 400;
                return;
            }

            if (StrictJson.WithoutFormDelimiters(body) is { } escaped)
            {
                body = escaped;
                payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
            }
        }

        var id = 0L;
        if (audit is null)
        {
            await records!.WriteAsync($"{now:O} {auth.AccessKeyId} {auth.Scope.Service} {request.Headers["x-amz-target"]} {request.Method} {head.RawPath} {payloadHash}");
        }
        else
        {
            id = await audit.DecideAsync(request, auth.AccessKeyId, auth.Scope.Service, auth.Scope.Region, body, parameters ?? [], now,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, request.Path + request.QueryString))
        {
            Content = new ByteArrayContent(body),
        };
        var amzDate = SigV4Signer.AmzDate(now);
        var signed = new List<KeyValuePair<string, string>> { new("host", upstream.Authority), new("x-amz-date", amzDate) };
        foreach (var (name, values) in request.Headers)
        {
            if (NotCopied.Contains(name))
            {
                continue;
            }

            var value = values.ToString();
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }

            signed.Add(new(name.ToLowerInvariant(), value));
        }

        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        message.Headers.TryAddWithoutValidation("Authorization", SigV4Signer.Authorize(
            new SignableRequest(request.Method, head.RawPath, [], signed, false), "AKIDBENCHUPSTREAM001", "bench-upstream-secret",
            auth.Scope.Region, auth.Scope.Service, now, payloadHash));
        if (audit is null)
        {
            await KestrelHop.SendAndRelayAsync(http, client, message);
            return;
        }

        // The trail keeps the response's start, so the response is read whole (json answers are small), then relayed.
        var sent = Stopwatch.GetTimestamp();
        using var reply = await client.SendAsync(message, http.RequestAborted);
        KestrelHop.RelayHead(http.Response, reply);
        var answer = await reply.Content.ReadAsByteArrayAsync(http.RequestAborted);
        http.Response.ContentLength = answer.Length;
        await http.Response.Body.WriteAsync(answer, http.RequestAborted);
        audit.Complete(id, (int)reply.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Stopwatch.GetElapsedTime(sent).TotalMilliseconds, answer,
            reply.Headers.TryGetValues("x-amzn-RequestId", out var upstreamId) ? upstreamId.FirstOrDefault() : null);
    }

    /// <summary>One writer thread: each transaction commits every record that queued while the last one was committing.</summary>
    private sealed class GroupCommit : IAsyncDisposable
    {
        private readonly Channel<(string Line, TaskCompletionSource Done)> _queue = Channel.CreateUnbounded<(string, TaskCompletionSource)>(new() { SingleReader = true });
        private readonly SqliteConnection _connection;
        private readonly Task _writer;

        public GroupCommit(string path)
        {
            _connection = new SqliteConnection($"Data Source={path};Pooling=False");
            _connection.Open();
            using var setup = _connection.CreateCommand();
            setup.CommandText = """
                PRAGMA page_size = 16384;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, line TEXT NOT NULL);
                """;
            setup.ExecuteNonQuery();
            _writer = Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);
        }

        public Task WriteAsync(string line)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Writer.TryWrite((line, done));
            return done.Task;
        }

        private void Run()
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO records (line) VALUES (@line)";
            var line = insert.Parameters.Add("@line", SqliteType.Text);
            var batch = new List<(string Line, TaskCompletionSource Done)>();
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                using (var transaction = _connection.BeginTransaction())
                {
                    insert.Transaction = transaction;
                    foreach (var item in batch)
                    {
                        line.Value = item.Line;
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                foreach (var item in batch)
                {
                    item.Done.SetResult();
                }

                batch.Clear();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            await _writer;
            await _connection.DisposeAsync();
        }
    }
}
