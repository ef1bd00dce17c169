using System.Data.Common;

namespace Airlock.Storage;

/// <summary>One SQL statement and its parameters, to run prepared or in a batch.</summary>
internal sealed record Statement(string Sql, (string Name, object? Value)[] Parameters);

/// <summary>Commands written once for both stores: <c>@name</c> parameters, which SQLite and PostgreSQL both take.</summary>
internal static class DbCommandExtensions
{
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

    public static void Add(this DbCommand command, string name, object? value) =>
        command.Parameters.Add(Parameter(command.CreateParameter(), name, value));

    /// <summary>
    /// Adds the parameter only when there is a value, for queries that name it only then: PostgreSQL cannot type a NULL
    /// given for a parameter the SQL does not use.
    /// </summary>
    public static void AddIfGiven(this DbCommand command, string name, string? value)
    {
        if (value is not null)
        {
            command.Add(name, value);
        }
    }

    /// <summary>Fills in a parameter of a command or a batch command; null is SQL NULL.</summary>
    public static DbParameter Parameter(DbParameter parameter, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value switch
        {
            null => DBNull.Value,
            Utf8Text text => text.ToString(),
            _ => value,
        };
        return parameter;
    }
}
