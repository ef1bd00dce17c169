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

    /// <summary>The seal of session secrets the configuration names: its current key, and those from before a rotation.</summary>
    public static SecretSeal Seal(StoreOptions options, string baseDirectory, SqliteDatabase local)
    {
        var current = options.SecretKeyEnv is { } name
            ? Convert.FromBase64String(Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set."))
            : KeyFile.ReadOrCreate(options.SecretKeyFile is { } file ? System.IO.Path.Combine(baseDirectory, file) : local.Beside("secret.key"), 32);
        return new SecretSeal(current, options.PreviousSecretKeyFiles.Select(f => File.ReadAllBytes(System.IO.Path.Combine(baseDirectory, f))));
    }
}
