using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Hosting;
using Airlock.Identity;
using Airlock.Storage;

namespace Airlock.Cli;

/// <summary>Opens the stores the configuration names, for the commands that read them directly.</summary>
internal static class StoreCommands
{
    /// <summary>The sessions in the state store (SQLite or PostgreSQL), its schema up to date.</summary>
    public static async Task<SessionStore?> OpenSessionsAsync(string? configPath, CancellationToken cancellationToken) =>
        (await OpenAsync(configPath, cancellationToken))?.Sessions;

    /// <summary>The state store and the audit trail the configuration names (SQLite or PostgreSQL), ready to read.</summary>
    public static async Task<(IStateDatabase State, SessionStore Sessions, AuditStore Audit)?> OpenAsync(string? configPath, CancellationToken cancellationToken)
    {
        if (Load(configPath) is not { } loaded)
        {
            return null;
        }

        var state = await StateDatabases.OpenAsync(loaded.Options.Store, loaded.Local, cancellationToken);
        await loaded.Audit.Database.EnsureSchemaAsync(cancellationToken);
        return (state, new SessionStore(state, StateDatabases.Seal(loaded.Options.Store, loaded.BaseDirectory, loaded.Local)), loaded.Audit);
    }

    /// <summary>The audit trail, which is not touched until used.</summary>
    public static AuditStore? OpenAudit(string? configPath) => Load(configPath)?.Audit;

    private static (AirlockOptions Options, string BaseDirectory, SqliteDatabase Local, AuditStore Audit)? Load(string? configPath)
    {
        var (options, baseDirectory, errors) = ConfigLoader.Load(configPath);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine("airlock: the configuration is not valid:\n  " + string.Join("\n  ", errors));
            return null;
        }

        var local = new SqliteDatabase(Path.Combine(baseDirectory, options.Store.Path));
        return (options, baseDirectory, local, AuditDatabases.Open(options.Audit, local, baseDirectory, TimeProvider.System));
    }
}
