using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>DynamoDB's PartiQL statements read for their verb and table, and the calls that carry them authorized as IAM does.</summary>
public sealed class PartiQlTests
{
    [Theory]
    [InlineData("SELECT * FROM \"orders\" WHERE pk = ?", "Select", "orders", null)]
    [InlineData("select * from orders.byCustomer where customer = 'c-1'", "Select", "orders", "byCustomer")]
    [InlineData("SELECT total FROM \"orders\".\"by-customer\" WHERE customer = ? ORDER BY total DESC", "Select", "orders", "by-customer")]
    [InlineData("SELECT * FROM \"my.table\"", "Select", "my.table", null)]
    [InlineData("SELECT 'FROM other' FROM \"t\"", "Select", "t", null)]
    [InlineData("SELECT \"from\" FROM t;", "Select", "t", null)]
    [InlineData("SELECT * FROM \"a\"\"b\"", "Select", "a\"b", null)]
    [InlineData("INSERT INTO \"orders\" VALUE {'pk': 'a', 'note': 'DELETE FROM x'}", "Insert", "orders", null)]
    [InlineData("UPDATE \"orders\" SET status = 'shipped' WHERE pk = 'a'", "Update", "orders", null)]
    [InlineData("update orders remove note where pk = 'a' returning all old *", "Update", "orders", null)]
    [InlineData("DELETE FROM \"orders\" WHERE pk = 'a' RETURNING ALL OLD *", "Delete", "orders", null)]
    [InlineData("EXISTS(SELECT * FROM \"orders\" WHERE pk = 'a' AND total > 3)", "Select", "orders", null)]
    [InlineData("SELECT * FROM \"arn:aws:dynamodb:us-east-1:210987654321:table/shared\"", "Select", "arn:aws:dynamodb:us-east-1:210987654321:table/shared", null)]
    public void Read_TellsTheVerbAndTheTable(string text, string verb, string table, string? index)
    {
        var (statement, error) = PartiQlStatement.Read(text);

        Assert.True(statement is not null, error);
        Assert.Equal(new PartiQlStatement(verb, table, index), statement);
    }

    [Theory]
    [InlineData("SELECT * FROM a, b", "after the table")]
    [InlineData("SELECT * FROM a -- the rest", "comments")]
    [InlineData("SELECT * FROM a /* b */", "comments")]
    [InlineData("SELECT * FROM a; DELETE FROM b WHERE k = 1", "one statement")]
    [InlineData("DROP TABLE a", "not a statement DynamoDB runs")]
    [InlineData("SELECT * FROM (SELECT * FROM a)", "SELECT inside")]
    [InlineData("UPDATE t SET a = (SELECT b FROM u) WHERE k = 1", "SELECT inside")]
    [InlineData("DELETE FROM t WHERE k IN (SELECT k FROM u)", "SELECT inside")]
    [InlineData("SELECT * FROM \"unterminated", "does not end")]
    [InlineData("SELECT 'x FROM \"t\"", "does not end")]
    [InlineData("SELECT * FROM a FROM b", "more than once")]
    [InlineData("SELECT * FROM a WHERE k IN [1, 2] AND (x FROM y)", "more than once")]
    [InlineData("INSERT INTO t.i VALUE {'k': 1}", "not an index")]
    [InlineData("INSERT t VALUE {'k': 1}", "INTO")]
    [InlineData("DELETE t WHERE k = 1", "FROM")]
    [InlineData("SELECT *", "no FROM")]
    [InlineData("SELECT * FROM 'literal'", "no table name")]
    [InlineData("   ", "empty")]
    [InlineData("EXISTS(UPDATE t SET a = 1 WHERE k = 1)", "EXISTS takes a SELECT")]
    public void Read_RefusesWhatItCannotReadWhole(string text, string why)
    {
        var (statement, error) = PartiQlStatement.Read(text);

        Assert.Null(statement);
        Assert.Contains(why, error);
    }

    [Fact]
    public void ExecuteStatement_IsAuthorizedAsItsVerb_OnItsTable()
    {
        var call = Resolve("ExecuteStatement", """{"Statement": "DELETE FROM \"orders\" WHERE pk = ?", "Parameters": [{"S": "a"}]}""").Operation!;

        Assert.Equal("dynamodb:ExecuteStatement", call.Action);
        Assert.Equal("dynamodb:PartiQLDelete", call.IamAction);
        Assert.Equal("Write", call.AccessLevel);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/orders"], call.Resources);
        Assert.Empty(call.AlsoRequires);
        // The policy replay reads a recorded statement the same way.
        Assert.Equal(("dynamodb:PartiQLDelete", "Write"), ServiceCatalog.Default.Authorization("dynamodb:ExecuteStatement", call.Parameters));
    }

    [Fact]
    public void ExecuteStatement_OnAnIndex_IsAuthorizedOnTheIndex()
    {
        var call = Resolve("ExecuteStatement", """{"Statement": "SELECT * FROM \"orders\".\"by-customer\" WHERE customer = 'c'"}""").Operation!;

        Assert.Equal(("dynamodb:PartiQLSelect", "Read"), (call.IamAction, call.AccessLevel));
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-customer"], call.Resources);
    }

    [Fact]
    public void BatchAndTransaction_AreAuthorizedAsEachVerbOnItsTables()
    {
        var batch = Resolve("BatchExecuteStatement", """
            {"Statements": [{"Statement": "SELECT * FROM a WHERE k = 1"}, {"Statement": "DELETE FROM \"b\" WHERE k = 1"},
                            {"Statement": "SELECT * FROM c WHERE k = 1"}, {"Statement": "DELETE FROM \"d\" WHERE k = 1"}]}
            """).Operation!;
        var transaction = Resolve("ExecuteTransaction", """
            {"TransactStatements": [{"Statement": "INSERT INTO a VALUE {'k': 1}"}, {"Statement": "EXISTS(SELECT * FROM b WHERE k = 2)"}]}
            """).Operation!;

        Assert.Equal("dynamodb:PartiQLSelect", batch.IamAction);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/a", "arn:aws:dynamodb:us-east-1:123456789012:table/c"], batch.Resources);
        var delete = Assert.Single(batch.AlsoRequires);
        Assert.Equal(("dynamodb:PartiQLDelete", "Write"), (delete.Action, delete.AccessLevel));
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/b", "arn:aws:dynamodb:us-east-1:123456789012:table/d"], delete.Resources);
        Assert.Equal("dynamodb:PartiQLInsert", transaction.IamAction);
        Assert.Equal(("dynamodb:PartiQLSelect", "arn:aws:dynamodb:us-east-1:123456789012:table/b"),
            (Assert.Single(transaction.AlsoRequires).Action, Assert.Single(Assert.Single(transaction.AlsoRequires).Resources)));
    }

    [Theory]
    [InlineData("ExecuteStatement", """{"Statement": "SELECT * FROM a; DELETE FROM b WHERE k = 1"}""", "Statement: one statement per call")]
    [InlineData("ExecuteStatement", """{"Parameters": []}""", "the call has no Statement")]
    [InlineData("BatchExecuteStatement", """{"Statements": [{"Statement": "SELECT * FROM a"}, {"Statement": "SELECT * FROM a, b"}]}""", "Statements[1].Statement")]
    [InlineData("ExecuteTransaction", """{"TransactStatements": []}""", "the call has no TransactStatements")]
    public void ACallWhoseStatementsCannotBeRead_IsRefused(string operation, string body, string why)
    {
        var result = Resolve(operation, body);

        Assert.Null(result.Operation);
        Assert.Contains(why, result.Error);
    }

    private static ResolveResult Resolve(string operation, string body) => JsonCalls.Resolve("dynamodb", $"DynamoDB_20120810.{operation}", body);
}
