using System.Text;
using Airlock.Aws.Catalog;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>The catalog is read with each distinct string of a service once and its lists as arrays.</summary>
public sealed class CompactCatalogTests
{
    [Fact]
    public void EachServiceOfTheEmbeddedCatalog_HoldsEachRecurringValueOnce()
    {
        Assert.All(ServiceCatalog.Default.Services.Where(s => s.Operations.Count > 1), service =>
        {
            var operations = service.Operations;
            Assert.Equal(operations.Select(o => o.Method).Distinct().Count(), DistinctObjects(operations.Select(o => o.Method)));
            Assert.Equal(operations.Select(o => o.Uri).Distinct().Count(), DistinctObjects(operations.Select(o => o.Uri)));
            Assert.Equal(operations.Select(o => o.AccessLevel).OfType<string>().Distinct().Count(),
                DistinctObjects(operations.Select(o => o.AccessLevel).OfType<string>()));
            var memberNames = operations.SelectMany(o => o.Members).Select(m => m[0]).ToList();
            Assert.Equal(memberNames.Distinct().Count(), DistinctObjects(memberNames));
        });
    }

    [Fact]
    public void TheEmbeddedCatalog_ReadsListsOfStringsAsArraysOfTheirLength()
    {
        var operations = ServiceCatalog.Default.Services.SelectMany(s => s.Operations).ToList();

        Assert.All(operations.Where(o => o.Members.Count > 0), o => Assert.IsType<string[][]>(o.Members));
        Assert.All(operations.Where(o => o.PageTokens.Count > 0), o => Assert.IsType<string[]>(o.PageTokens));
        Assert.All(operations.Where(o => o.MaskOutput.Count > 0), o => Assert.IsType<string[]>(o.MaskOutput));
    }

    [Fact]
    public void CompactReading_ReadsEscapedLongAndMissingValuesAsTheyAre()
    {
        var longName = new string('x', 300);
        var json = $$"""
            {"source": "test", "services": [{"id": "a", "protocol": "json", "signingName": "caf\u00e9", "endpointPrefix": "a",
              "operations": [{"name": "{{longName}}", "method": "POST", "uri": "/", "pageTokens": ["Next\"Token", "NextToken"]},
                             {"name": "Two", "method": "POST", "uri": "/", "members": [["Key", "uri", "Key"]], "pageTokens": []}]}]}
            """;

        var read = CompactCatalogReading.Read<ServiceCatalog.CatalogIndex>(new MemoryStream(Encoding.UTF8.GetBytes(json)))!;

        var service = Assert.Single(read.Services);
        Assert.Equal("café", service.SigningName);
        Assert.Equal(longName, service.Operations[0].Name);
        Assert.Equal(["Next\"Token", "NextToken"], service.Operations[0].PageTokens);
        Assert.Empty(service.Operations[0].Members);
        Assert.Same(service.Operations[0].Method, service.Operations[1].Method);
        Assert.Equal(["Key", "uri", "Key"], Assert.Single(service.Operations[1].Members));
        Assert.Empty(service.Operations[1].PageTokens);
    }

    private static int DistinctObjects(IEnumerable<string> values) => values.Distinct(ReferenceEqualityComparer.Instance).Count();
}
