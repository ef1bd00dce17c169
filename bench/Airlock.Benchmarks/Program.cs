using Airlock.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Airlock.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/Airlock.Benchmarks -- audit-rate [calls] [npgsql-connection-string]
// (bash bench/audit-rate.sh runs it on SQLite and on a PostgreSQL server of its own)
if (args is ["audit-rate", ..])
{
    // AUDIT_RATE_LEVELS=64 (say) measures one concurrency, e.g. under a profiler.
    int[] levels = Environment.GetEnvironmentVariable("AUDIT_RATE_LEVELS") is { Length: > 0 } asked ? [.. asked.Split(',').Select(int.Parse)] : [1, 16, 64, 256];
    // AUDIT_RATE_WRITERS=2 (say): that many writers on one chain, as nodes sharing a PostgreSQL trail.
    var writers = int.TryParse(Environment.GetEnvironmentVariable("AUDIT_RATE_WRITERS"), out var w) ? w : 1;
    await AuditWriteRate.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 50_000, levels, args.Length > 2 ? args[2] : null, writers);
    return;
}

// dotnet run -c Release --project bench/Airlock.Benchmarks -- catalog-memory
// What the operation catalog holds on the GC heap (live bytes after full collections): its index alone, as a gateway
// starts; with one service read (DynamoDB); with every service read; and with every IAM prefix's actions indexed.
if (args is ["catalog-memory"])
{
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var catalog = Airlock.Aws.Catalog.ServiceCatalog.Default;
    var index = GC.GetTotalMemory(forceFullCollection: true);
    _ = catalog.Service("dynamodb")!.Operations.Count;
    var one = GC.GetTotalMemory(forceFullCollection: true);
    // What a first call to a service waits for its operations (DynamoDB's read first, with the reader's JIT).
    foreach (var id in new[] { "sqs", "s3", "ec2" })
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var count = catalog.Service(id)!.Operations.Count;
        Console.WriteLine($"catalog_read_{id}_ms={watch.Elapsed.TotalMilliseconds:F1} ({count} operations)");
    }

    _ = catalog.Services.Sum(s => s.Operations.Count);
    var all = GC.GetTotalMemory(forceFullCollection: true);
    _ = catalog.IamActionNames("*").Count() + catalog.IamPrefixes.Count();
    var indexed = GC.GetTotalMemory(forceFullCollection: true);
    GC.KeepAlive(catalog);
    Console.WriteLine($"catalog_index_mb={(index - before) / 1048576.0:F1}");
    Console.WriteLine($"catalog_with_dynamodb_mb={(one - before) / 1048576.0:F1}");
    Console.WriteLine($"catalog_every_service_mb={(all - before) / 1048576.0:F1}");
    Console.WriteLine($"catalog_with_iam_index_mb={(indexed - before) / 1048576.0:F1}");
    return;
}

// Not typeof(Program): the gateway's assembly, referenced here, has a Program too.
BenchmarkSwitcher.FromAssembly(typeof(AuditWriteRate).Assembly).Run(args);
