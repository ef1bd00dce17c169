using Airlock.Hosting;
using Airlock.Storage;

namespace Airlock.Cli;

/// <summary>Opens the store the configuration names, for the commands that read it directly.</summary>
internal static class StoreCommands
{
    public static SqliteDatabase? Open(string? configPath) => OpenAuditStore(configPath)?.Database;

    /// <summary>The store and its audit trail, with the checkpoint key the configuration names.</summary>
    public static (SqliteDatabase Database, string SigningKeyFile)? OpenAuditStore(string? configPath)
    {
        var (options, baseDirectory, errors) = ConfigLoader.Load(configPath);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine("airlock: the configuration is not valid:\n  " + string.Join("\n  ", errors));
            return null;
        }

        var database = new SqliteDatabase(Path.Combine(baseDirectory, options.Store.Path));
        database.EnsureSchema();
        var store = new Audit.SqliteAuditStore(database, options.Audit, options.Audit.SigningKeyPath(baseDirectory));
        return (database, store.SigningKeyFile);
    }
}
