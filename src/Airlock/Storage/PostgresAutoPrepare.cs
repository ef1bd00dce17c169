using System.Data.Common;
using Npgsql;

namespace Airlock.Storage;

/// <summary>
/// Npgsql's automatic preparation for Airlock's connections: statements run often (the data path's reads, the audit
/// writer's inserts) are prepared once per connection and then only bound, instead of parsed and planned each time.
/// An operator's own <c>Max Auto Prepare</c> wins, 0 included (PgBouncer in transaction mode before 1.21 keeps no
/// prepared statement between transactions).
/// </summary>
internal static class PostgresAutoPrepare
{
    public static NpgsqlConnectionStringBuilder Builder(string connectionString, int maxStatements, int minUsages = 5)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's own builder knows every keyword whether given or not: the string as written says what the operator set.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = maxStatements;
            if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages"))
            {
                builder.AutoPrepareMinUsages = minUsages;
            }
        }

        return builder;
    }
}
