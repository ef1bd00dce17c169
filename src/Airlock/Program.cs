using System.CommandLine;
using Airlock.Cli;

var root = new RootCommand("Airlock: least privilege in the data path between AI agents and AWS.")
{
    ServeCommand.Create(),
    DemoCommand.Create(),
    CredentialsCommand.Create(),
    SessionsCommand.Create(),
    AuditCommand.Create(),
    PolicyCommand.Create(),
    PermissionsCommand.Create(),
    ApprovalsCommand.Create(),
    GrantsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
