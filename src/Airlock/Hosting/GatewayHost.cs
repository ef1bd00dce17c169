using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Demo;
using Airlock.Gateway;
using Airlock.Identity;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy;
using Airlock.Storage;
using Airlock.Upstream;

namespace Airlock.Hosting;

/// <summary>Wires the modules into one ASP.NET Core application on Kestrel.</summary>
internal static class GatewayHost
{
    /// <summary>The host with no log providers yet and nothing configured but from Airlock's own file.</summary>
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
        return builder;
    }

    public static WebApplication Build(AirlockOptions options, string baseDirectory, CompiledPolicy policy, string? configPath, DemoIssuer? demoIssuer = null)
    {
        var builder = CreateBuilder();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Any level enabled here makes ASP.NET Core start an Activity per request (for log scopes); the gateway logs
        // each call itself, so that cost on the data path buys nothing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // S3 bodies of any size stream through; buffered bodies have their own limit.
            k.Limits.MaxRequestBodySize = null;
            ListenEndpoints.Configure(k, options, baseDirectory);
        });

        var database = new SqliteDatabase(Path.Combine(baseDirectory, options.Store.Path), TimeProvider.System);
        database.EnsureSchema();

        var services = builder.Services;
        // A stop waits this long for in-flight calls (held ones included), within the command line's 40 s termination bound.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(database);
        services.AddSingleton(ServiceCatalog.Default);
        services.AddSingleton<OperationResolver>();
        services.AddSingleton<ISessionStore, SqliteSessionStore>();
        // From factories, so the container disposes the store at shutdown: the writer drains and signs a last checkpoint.
        services.AddSingleton(sp => AuditDatabases.Open(options.Audit, database, baseDirectory, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Airlock.Audit")));
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<AuditStore>());
        services.AddSingleton(sp => new SessionIssuer(options.Sessions, options.Connections.Select(c => c.Name).ToHashSet(StringComparer.Ordinal),
            sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new Connections(options.Connections));
        services.AddSingleton(new TokenValidator(options.Issuers));
        services.AddSingleton(sp => new PolicyHolder(policy, configPath, options.Policy.Files, ServiceCatalog.Default, sp.GetRequiredService<ILogger<PolicyHolder>>()));
        services.AddSingleton<IPolicyEvaluator>(sp => sp.GetRequiredService<PolicyHolder>());
        services.AddSingleton(Forwarder.CreateClient());
        services.AddSingleton<Forwarder>();
        services.AddSingleton<AssumeRoleCredentials>();
        services.AddSingleton(options.Approvals);
        services.AddSingleton(options.Audit);
        services.AddSingleton<SqliteApprovalStore>();
        services.AddSingleton<ApprovalGate>();
        services.AddSingleton<SqliteGrantStore>();
        services.AddSingleton<ApprovalNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalNotifier>());
        services.AddHostedService<SessionEndRecorder>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        var hashKeyFile = options.Masking.HashKeyFile is { } keyFile
            ? Path.Combine(baseDirectory, keyFile)
            : database.Beside("masking.key");
        services.AddSingleton(new MaskPlanner(options.Masking, Masker.FromKeyFile(hashKeyFile)));
        services.AddSingleton(new BufferedBodyBudget(options.Limits.MaxBufferedBytesInFlight));
        var publicUrl = options.ListenUrls.First();
        services.AddSingleton(new GatewayOptions(publicUrl, options.Limits.MaxBufferedBodyBytes, options.S3VirtualHostSuffixes, options.Audit.RequestBodyBytes));
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<AuthorizeStage>();
        services.AddSingleton(sp => new HoldStage(sp.GetRequiredService<ApprovalGate>(), sp.GetRequiredService<CallRecorder>(), publicUrl));
        services.AddSingleton<CredentialsStage>();
        services.AddSingleton<CallPipeline>();
        services.AddSingleton<BufferedBodyReader>();
        services.AddSingleton<SigV4Authenticator>();
        services.AddSingleton<AwsCallResolver>();
        services.AddSingleton<AwsAnswers>();
        services.AddSingleton<SessionExchange>();
        services.AddSingleton<StsDoor>();
        services.AddSingleton<AirlockAnsweredCalls>();
        services.AddSingleton<AwsCallRuns>();
        services.AddSingleton<SignedCallHandler>();
        services.AddSingleton<GatewayHandler>();

        var app = builder.Build();
        app.Use(static (context, next) =>
        {
            BodyEndObserver.Watch(context);
            return next(context);
        });
        app.UseRouting();
        // "_airlock" can never be an S3 bucket name, so these paths cannot shadow an AWS call.
        app.MapGet("/_airlock/health", () => Results.Text("ok"));
        demoIssuer?.Map(app);
        app.MapApprovals();
        app.MapGrants();
        app.MapAudit();
        // Explicit so that mapped endpoints run before, and instead of, the gateway's catch-all handler.
        app.UseEndpoints(_ => { });
        var handler = app.Services.GetRequiredService<GatewayHandler>();
        app.Run(handler.HandleAsync);
        return app;
    }
}
