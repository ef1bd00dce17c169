using Airlock.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Airlock.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/Airlock.Benchmarks -- audit-rate [records]
if (args is ["audit-rate", ..])
{
    await AuditWriteRate.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 50_000, [1, 16, 64, 256]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
