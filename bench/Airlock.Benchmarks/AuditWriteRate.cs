using System.Diagnostics;
using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Storage;

namespace Airlock.Benchmarks;

/// <summary>
/// Sustained durable audit writes on SQLite or PostgreSQL, shaped as calls: each of many concurrent callers appends a
/// decision of about 1 KB and waits for its commit, then records the outcome with a ~1 KB response without waiting, as
/// the gateway does. Reports calls/s (until every outcome is committed) and the latency of the decision's append (what
/// the audit adds to a call) at concurrency 1 and under load.
/// </summary>
internal static class AuditWriteRate
{
    /// <param name="writers">
    /// Writers appending to the one chain at once, as that many gateway nodes sharing a PostgreSQL trail would (each its
    /// own store and connections); the callers take turns among them.
    /// </param>
    public static async Task RunAsync(int records, int[] concurrencies, string? postgresql, int writers = 1)
    {
        Console.WriteLine(postgresql is null
            ? $"audit write rate, SQLite (WAL, synchronous=FULL: each batch fsynced before its calls go on), ~1 KB decision + outcome, {records} calls per run"
            : $"audit write rate, PostgreSQL (synchronous_commit=on, append under an advisory lock), ~1 KB decision + outcome, {records} calls per run");
        if (writers > 1)
        {
            Console.WriteLine($"{writers} writers on one chain, the callers shared among them");
        }

        Console.WriteLine($"{"concurrency",11} {"calls/s",10} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9}");
        foreach (var concurrency in concurrencies)
        {
            var directory = Directory.CreateTempSubdirectory("airlock-audit-bench-");
            var database = new SqliteDatabase(Path.Combine(directory.FullName, "airlock.db"));
            database.EnsureSchema();
            IAuditDatabase Target() => postgresql is null ? new SqliteAuditDatabase(database) : new PostgresAuditDatabase(postgresql);
            if (postgresql is not null)
            {
                await EmptyAsync(Target());
            }

            var stores = Enumerable.Range(0, writers)
                .Select(_ => new AuditStore(Target(), new AuditOptions(), database.Beside("audit-signing.key"), TimeProvider.System)).ToArray();
            foreach (var each in stores)
            {
                await each.AppendAsync(Record(-1), CancellationToken.None); // start the writer and load the key outside the timing
            }

            var latencies = new double[records];
            var outcomes = new Task[records];
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
            {
                var store = stores[caller % stores.Length];
                for (var i = Interlocked.Increment(ref next); i < records; i = Interlocked.Increment(ref next))
                {
                    var started = Stopwatch.GetTimestamp();
                    var id = await store.AppendAsync(Record(i), CancellationToken.None);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    outcomes[i] = store.CompleteAsync(id, Outcome, CancellationToken.None);
                }
            })));
            await Task.WhenAll(outcomes);
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var each in stores)
            {
                await each.DisposeAsync();
            }

            Array.Sort(latencies);
            Console.WriteLine($"{concurrency,11} {records / seconds,10:F0} {Percentile(latencies, 0.5),8:F3} {Percentile(latencies, 0.99),8:F3} {Percentile(latencies, 0.999),9:F3}");
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Each run starts from an empty trail, as each SQLite run starts from a new file.</summary>
    private static async Task EmptyAsync(IAuditDatabase database)
    {
        using var owned = database as IDisposable;
        await database.EnsureSchemaAsync(CancellationToken.None);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.Command(null, "TRUNCATE audit, audit_log, audit_checkpoints");
        await command.ExecuteNonQueryAsync();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static readonly AuditCompletion Outcome = new(200, 1.5, null)
    {
        Response = System.Text.Encoding.UTF8.GetBytes("{\"Item\":{\"pk\":{\"S\":\"order-000001\"},\"notes\":{\"S\":\"" + new string('y', 1000) + "\"}}}"),
        UpstreamRequestId = "11111111-2222-4333-8444-555555555555",
        Timings = new Dictionary<string, double> { ["verify"] = 0.05, ["audit"] = 0.3, ["upstream"] = 0.4 },
    };

    private static AuditEntry Record(int i) => new()
    {
        RequestId = $"BENCH{i:D15}",
        Time = DateTimeOffset.UtcNow,
        Principal = "agent-1",
        SessionId = "s-0123456789abcdef",
        AccessKeyId = "ASIAEXAMPLE000000001",
        Connection = "prod",
        Service = "dynamodb",
        Operation = "PutItem",
        Action = "dynamodb:PutItem",
        Region = "us-east-1",
        Resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"],
        Parameters = new Dictionary<string, string>
        {
            ["TableName"] = "orders",
            ["Item"] = new string('x', 700),
            ["ConditionExpression"] = "attribute_not_exists(pk)",
        },
        Decision = "allow",
        Reason = "AgentsWork",
        ClientIp = "127.0.0.1",
        LatencyMs = 0.4,
    };
}
