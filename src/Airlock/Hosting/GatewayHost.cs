using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Aws.Catalog;
using Airlock.Demo;
using Airlock.Gateway;
using Airlock.Health;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy;
using Airlock.Storage;
using Airlock.Upstream;
using Airlock.WebConsole;

namespace Airlock.Hosting;

/// <summary>Wires the modules into one ASP.NET Core application on Kestrel.</summary>
internal static class GatewayHost
{
    /// <summary>The host with no log providers yet, nothing configured but from Airlock's own file, and Kestrel's buffers in 64 KiB blocks.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        // Airlock's configuration is its own YAML file: no appsettings.json from whatever folder it was started in, and
        // no watcher on that folder (recursively), which woke on every write of the store's files beneath it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<LargeBlockMemoryPoolFactory>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(services => services.GetRequiredService<LargeBlockMemoryPoolFactory>());
        return builder;
    }

    public static async Task<WebApplication> BuildAsync(AirlockOptions options, string baseDirectory, CompiledPolicy policy, string? configPath, DemoIssuer? demoIssuer = null)
    {
        // Airlock's own metrics and the process's (CPU, memory, GC, threads); not the framework's meters, whose names
        // and labels are not ours to document.
        Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true, SuppressDebugMetrics = true });
        var builder = CreateBuilder();
        if (options.Logging.Format == "json")
        {
            // One object per line with the same event id, level, category and message as the text lines, and each of
            // the message's fields by name (State): what log pipelines index.
            builder.Logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
        BatchedConsoleLoggerProvider.ReplaceFrameworkProvider(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Any level enabled here makes ASP.NET Core start an Activity per request (for log scopes); the gateway logs
        // each call itself, so that cost on the data path buys nothing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // It warns that the console's keys are stored unencrypted: StoreKeyRepository seals each with the store's secret key.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // S3 bodies of any size stream through; buffered bodies have their own limit.
            k.Limits.MaxRequestBodySize = null;
            ListenEndpoints.Configure(k, options, baseDirectory);
        });

        var database = new SqliteDatabase(Path.Combine(baseDirectory, options.Store.Path), TimeProvider.System);
        var state = await StateDatabases.OpenAsync(options.Store, database, CancellationToken.None);

        var services = builder.Services;
        // A stop waits this long for in-flight calls (held ones included), within the command line's 40 s termination bound.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<IdleMemoryTrimmer>();
        services.AddSingleton(database);
        services.AddSingleton(state);
        services.AddSingleton(StateDatabases.Seal(options.Store, baseDirectory, database));
        if (TrailBesideSessions(options, state == database))
        {
            // Sessions and trail in one database: the audit writer checks each call's session in the commit of its
            // decision, so a call need not read the sessions' change counter itself (Identity.SessionsVersionWatch).
            services.AddSingleton<Identity.SessionsVersionWatch>();
        }
        services.AddSingleton(ServiceCatalog.Default);
        var publicUrl = options.ListenUrls.First();
        var hashKeyFile = options.Masking.HashKeyFile is { } keyFile ? Path.Combine(baseDirectory, keyFile) : database.Beside("masking.key");
        services
            .AddAirlockIdentity(options.Sessions, options.Issuers, options.Connections.Select(c => c.Name).ToHashSet(StringComparer.Ordinal))
            .AddAirlockPolicy(policy, configPath, options.Policy)
            .AddAirlockMasking(options.Masking, hashKeyFile)
            .AddAirlockUpstream(options.Connections)
            .AddAirlockAudit(options.Audit, baseDirectory)
            .AddAirlockApprovals(options.Approvals, baseDirectory)
            .AddAirlockPipeline(publicUrl)
            .AddAirlockHealth()
            .AddAirlockMetrics(options.Admin)
            .AddAirlockTracing(options.Tracing)
            .AddAirlockConsole(options.Console, options.Issuers)
            .AddAirlockAwsFrontEnd(new GatewayOptions(publicUrl, options.Limits.MaxBufferedBodyBytes, options.S3VirtualHostSuffixes, options.Audit.RequestBodyBytes), options.Limits);

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(StartupMemory.GiveBack);
        await app.Services.GetRequiredService<SessionStore>().SealPlainSecretsAsync(CancellationToken.None);
        app.Use(static (context, next) =>
        {
            BodyEndObserver.Watch(context);
            return next(context);
        });
        app.UseAirlockAdmin(options.Admin);
        app.UseAirlockConsole(options.Console);
        app.UseAirlockOwnEndpoints(demoIssuer);
        app.UseAirlockAwsFrontEnd();
        return app;
    }

    /// <summary>
    /// Whether the audit trail goes to the database that holds the sessions: the node's SQLite file with no
    /// <c>audit.postgresql</c>, or the one PostgreSQL database <c>store.postgresql</c> names (which
    /// <c>audit.postgresql</c> defaults to). Connection strings written differently count as two databases.
    /// </summary>
    internal static bool TrailBesideSessions(AirlockOptions options, bool sessionsInLocalStore) =>
        sessionsInLocalStore ? options.Audit.Postgresql is null : options.Audit.Postgresql == options.Store.Postgresql;
}
