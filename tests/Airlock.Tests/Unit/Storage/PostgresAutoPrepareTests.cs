using Airlock.Storage;
using Xunit;

namespace Airlock.Tests.Unit.Storage;

public sealed class PostgresAutoPrepareTests
{
    [Fact]
    public void AConnectionStringThatSaysNothing_GetsAirlocksPreparation()
    {
        var builder = PostgresAutoPrepare.Builder("Host=db;Database=airlock", maxStatements: 16, minUsages: 2);

        Assert.Equal(16, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
        Assert.Equal("db", builder.Host);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0, 5)] // PgBouncer in transaction mode: nothing prepared
    [InlineData("Host=db;maxautoprepare=4;Auto Prepare Min Usages=9", 4, 9)]
    public void TheOperatorsOwnSetting_Wins_ZeroIncluded(string connectionString, int max, int minUsages)
    {
        var builder = PostgresAutoPrepare.Builder(connectionString, maxStatements: 16, minUsages: 2);

        Assert.Equal(max, builder.MaxAutoPrepare);
        Assert.Equal(minUsages, builder.AutoPrepareMinUsages);
    }
}
