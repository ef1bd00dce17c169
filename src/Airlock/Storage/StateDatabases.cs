namespace Airlock.Storage;

/// <summary>Opens the store the configuration names, its schema brought up to this version of Airlock.</summary>
internal static class StateDatabases
{
    /// <summary>PostgreSQL when <c>store.postgresql</c> is set (migrated under its advisory lock), else the node's SQLite file.</summary>
    public static async Task<IStateDatabase> OpenAsync(StoreOptions options, SqliteDatabase local, CancellationToken cancellationToken)
    {
        if (options.Postgresql is not { } connectionString)
        {
            local.EnsureSchema();
            return local;
        }

        var shared = new PostgresDatabase(connectionString);
        await shared.MigrateAsync(cancellationToken);
        return shared;
    }
}
