using System.Data.Common;

namespace Airlock.Audit.Stores;

/// <summary>One SQL statement and its parameters, to run alone or in a batch.</summary>
internal sealed record Statement(string Sql, (string Name, object? Value)[] Parameters);

/// <summary>Commands written once for both audit stores: <c>@name</c> parameters, which SQLite and PostgreSQL both take.</summary>
internal static class DbCommandExtensions
{
    /// <summary>Runs the statements in order: as one batch (one round trip) where the provider has batches, else one by one.</summary>
    public static async Task ExecuteAllAsync(this DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        if (!connection.CanCreateBatch)
        {
            foreach (var statement in statements)
            {
                await using var command = connection.Command(transaction, statement.Sql, statement.Parameters);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return;
        }

        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            foreach (var (name, value) in statement.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command;
    }

    public static void Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
