using Npgsql;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// A PostgreSQL server of the tests' own (Debian's binaries, a fresh cluster in a temporary folder, 127.0.0.1 and
/// a socket in that folder only), shared by the run; each test takes a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Instance = new(StartNewAsync);
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;

    private PostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        Port = port;
    }

    /// <summary>The run's shared server, for tests that only read and write.</summary>
    public static Task<PostgresServer> SharedAsync() => Instance.Value;

    public int Port { get; }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=airlock;Database={database};Pooling=true";

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> NewDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await ExecuteAsync("postgres", $"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>Runs each statement on its own (ALTER SYSTEM must be), as an administrator whom read-only mode does not stop.</summary>
    public async Task ExecuteAsync(string database, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false;Options=-c default_transaction_read_only=off");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Stops the server (fast shutdown: connections are cut), as a database that goes down would.</summary>
    public Task StopAsync() => PgCtlAsync("stop", "-m", "fast");

    /// <summary>Starts it again on the same port and data.</summary>
    public Task StartAgainAsync() => PgCtlAsync("start", "-l", Path.Combine(_root, "server.log"), "-o", Options(Port, _root));

    /// <summary>A server of a test's own, for tests that stop it or change its settings.</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL's server binaries are not installed (apt-get install postgresql).");
        var root = Directory.CreateTempSubdirectory("airlock-pg-").FullName;
        var server = new PostgresServer(bin, root, MotoServer.FreePort());
        if (Environment.UserName == "root")
        {
            // initdb and postgres refuse to run as root: the cluster belongs to Debian's postgres user.
            var chown = await ProcessRunner.RunAsync("chown", ["postgres:postgres", root], new Dictionary<string, string?>());
            Check(chown, "chown");
        }

        Check(await server.RunAsync(Path.Combine(bin, "initdb"), "-D", server._data, "-U", "airlock", "-A", "trust", "-E", "UTF8", "--no-sync"), "initdb");
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await PgCtlAsync("stop", "-m", "immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test.
        }

        Directory.Delete(_root, recursive: true);
    }

    private int _disposed;

    private static string Options(int port, string root) =>
        $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c max_connections=200 -c fsync=on";

    private async Task PgCtlAsync(params string[] args) =>
        Check(await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-w", "-t", "60", .. args]), "pg_ctl " + args[0]);

    private Task<ProcessResult> RunAsync(string program, params string[] args) => Environment.UserName == "root"
        ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. args], new Dictionary<string, string?>(), TimeSpan.FromMinutes(2))
        : ProcessRunner.RunAsync(program, args, new Dictionary<string, string?>(), TimeSpan.FromMinutes(2));

    private static void Check(ProcessResult result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed: {result}");
        }
    }
}
