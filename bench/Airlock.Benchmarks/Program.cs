using Airlock.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Airlock.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/Airlock.Benchmarks -- audit-rate [calls] [npgsql-connection-string]
// (bash bench/audit-rate.sh runs it on SQLite and on a PostgreSQL server of its own)
if (args is ["audit-rate", ..])
{
    await AuditWriteRate.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 50_000, [1, 16, 64, 256], args.Length > 2 ? args[2] : null);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
