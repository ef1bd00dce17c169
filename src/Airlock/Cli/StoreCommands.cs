using Airlock.Audit;
using Airlock.Audit.Stores;
using Airlock.Hosting;
using Airlock.Storage;

namespace Airlock.Cli;

/// <summary>Opens the store the configuration names, for the commands that read it directly.</summary>
internal static class StoreCommands
{
    public static SqliteDatabase? Open(string? configPath) => OpenBoth(configPath)?.Database;

    /// <summary>The store and the audit trail the configuration names (SQLite or PostgreSQL), ready to read.</summary>
    public static async Task<(SqliteDatabase Database, AuditStore Audit)?> OpenAsync(string? configPath, CancellationToken cancellationToken)
    {
        if (OpenBoth(configPath) is not { } opened)
        {
            return null;
        }

        await opened.Audit.Database.EnsureSchemaAsync(cancellationToken);
        return opened;
    }

    /// <summary>The store and the audit trail, which is not touched until used.</summary>
    public static (SqliteDatabase Database, AuditStore Audit)? OpenBoth(string? configPath)
    {
        var (options, baseDirectory, errors) = ConfigLoader.Load(configPath);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine("airlock: the configuration is not valid:\n  " + string.Join("\n  ", errors));
            return null;
        }

        var database = new SqliteDatabase(Path.Combine(baseDirectory, options.Store.Path));
        database.EnsureSchema();
        return (database, AuditDatabases.Open(options.Audit, database, baseDirectory, TimeProvider.System));
    }
}
