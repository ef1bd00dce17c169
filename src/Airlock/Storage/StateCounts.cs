namespace Airlock.Storage;

/// <summary>How many rows a store's table has in some state now, for the gauges read before each metrics scrape.</summary>
internal static class StateCounts
{
    /// <param name="sql">A <c>SELECT count(*)</c> that may compare with <c>@now</c>.</param>
    public static async Task<long> CountAsync(this IStateDatabase database, string sql, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var count = connection.Command(null, sql, ("@now", StoreTime.Format(now)));
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
