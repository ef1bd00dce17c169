using System.CommandLine;
using Airlock.Cli;

var root = new RootCommand("Airlock: least privilege in the data path between AI agents and AWS.")
{
    ServeCommand.Create(),
    DemoCommand.Create(),
    DemoIssuerCommand.Create(),
    CredentialsCommand.Create(),
    SessionsCommand.Create(),
    AuditCommand.Create(),
    PolicyCommand.Create(),
    PermissionsCommand.Create(),
    ApprovalsCommand.Create(),
    GrantsCommand.Create(),
    MigrateCommand.Create(),
    HealthCommand.Create(),
};
// SIGTERM and Ctrl-C stop the gateway in order: in-flight calls end (HostOptions.ShutdownTimeout), then the audit
// writer drains and signs its last checkpoint. System.CommandLine's default of 2 s would cut that short.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(40) });
