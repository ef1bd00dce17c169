using Airlock.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Airlock.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/Airlock.Benchmarks -- audit-rate [calls] [npgsql-connection-string]
// (bash bench/audit-rate.sh runs it on SQLite and on a PostgreSQL server of its own)
if (args is ["audit-rate", ..])
{
    // AUDIT_RATE_LEVELS=64 (say) measures one concurrency, e.g. under a profiler.
    int[] levels = Environment.GetEnvironmentVariable("AUDIT_RATE_LEVELS") is { Length: > 0 } asked ? [.. asked.Split(',').Select(int.Parse)] : [1, 16, 64, 256];
    await AuditWriteRate.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 50_000, levels, args.Length > 2 ? args[2] : null);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
