using System.CommandLine;

namespace Airlock.Cli;

/// <summary><c>airlock migrate</c>: brings the store's schema up to this version of Airlock, without starting a gateway.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate",
            "Create or upgrade the store's tables (SQLite or PostgreSQL, sessions, approvals, grants and the audit trail) and exit. " +
            "`serve` does the same at start; run this first to upgrade before the nodes restart.")
        {
            CommonOptions.Config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await StoreCommands.OpenAsync(parse.GetValue(CommonOptions.Config), cancellationToken) is not { } stores)
            {
                return 2;
            }

            var sealedNow = await stores.Sessions.SealPlainSecretsAsync(cancellationToken);
            Console.WriteLine($"store: {stores.State.Description}, up to date" + (sealedNow > 0 ? $"; {sealedNow} session secrets sealed" : ""));
            Console.WriteLine($"audit: {stores.Audit.Database.Description}, up to date");
            return 0;
        });
        return command;
    }
}
