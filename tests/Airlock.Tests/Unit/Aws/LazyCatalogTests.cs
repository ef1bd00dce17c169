using Airlock.Aws.Catalog;
using Airlock.Policy;
using Xunit;

namespace Airlock.Tests.Unit.Aws;

/// <summary>A gateway holds the operations of the services it is used with, not the whole catalog's.</summary>
public sealed class LazyCatalogTests
{
    [Fact]
    public void AFreshCatalog_KnowsEveryServiceAndHasReadNoneOfThem()
    {
        var catalog = ServiceCatalog.ReadEmbedded();

        Assert.True(catalog.Services.Count > 400, $"{catalog.Services.Count} services");
        Assert.Equal("DynamoDB_20120810", catalog.Service("dynamodb")!.TargetPrefix);
        Assert.DoesNotContain(catalog.Services, s => s.OperationsRead);
    }

    [Fact]
    public void AServiceIsRead_WhenACallToItIsResolved_AndNoOtherIs()
    {
        var catalog = ServiceCatalog.ReadEmbedded();
        var dynamodb = catalog.Service("dynamodb")!;

        Assert.Equal("GetItem", dynamodb.Operation("GetItem")!.Name);

        Assert.Equal(["dynamodb"], catalog.Services.Where(s => s.OperationsRead).Select(s => s.Id));
        Assert.Same(dynamodb.Operations, dynamodb.Operations);
    }

    [Fact]
    public void ThePresetPolicies_ReadAFewServices_NotTheCatalog()
    {
        var catalog = ServiceCatalog.ReadEmbedded();
        var parser = new PolicyParser(catalog);

        parser.ParseText("Include: [preset:read-only, preset:destructive-needs-review, preset:deny-privilege-escalation]", "p.yaml", ".", null);

        Assert.Empty(parser.Errors);
        // The services the presets name (iam, kms, s3, ec2, rds, sts, lambda, secretsmanager, ssm, …) are kept; those
        // "*:Delete*" looked through are not.
        var read = catalog.Services.Where(s => s.OperationsRead).Select(s => s.Id).ToList();
        Assert.Contains("kms", read);
        Assert.True(read.Count < 20, string.Join(", ", read));
    }

    [Fact]
    public void APatternOverEveryService_IsCheckedWithoutKeepingWhatItRead()
    {
        var catalog = ServiceCatalog.ReadEmbedded();
        var parser = new PolicyParser(catalog);

        parser.ParseText("""
            Statement:
              - Sid: Patterns
                Effect: Allow
                Principal: "*"
                Action: ["*:Remove*Permission", "*:Frobnicate*"]
                Resource: "*"
            """, "p.yaml", ".", null);

        Assert.Contains(parser.Errors, e => e.Contains("'*:Frobnicate*' matches no IAM action nor API operation", StringComparison.Ordinal));
        Assert.DoesNotContain(parser.Errors, e => e.Contains("Remove*Permission", StringComparison.Ordinal));
        Assert.DoesNotContain(catalog.Services, s => s.OperationsRead);
    }

    [Fact]
    public void APatternUnderOnePrefix_KeepsThatPrefixsServices()
    {
        var catalog = ServiceCatalog.ReadEmbedded();

        Assert.Contains("sqs:SendMessage", catalog.IamActionNames("sqs"));
        Assert.Contains("sqs:SendMessage", catalog.IamActionNames("s?s"));

        Assert.Equal(["sqs"], catalog.Services.Where(s => s.OperationsRead).Select(s => s.Id));
    }

    [Fact]
    public void IamActions_AreFoundUnderAPrefixOtherThanTheSigningName()
    {
        var catalog = ServiceCatalog.ReadEmbedded();

        // CloudWatch is signed as monitoring; IAM authorizes its calls as cloudwatch:….
        Assert.Equal("Write", catalog.IamAction("cloudwatch:PutMetricData")?.AccessLevel);
        Assert.Contains("monitoring:PutMetricData", catalog.OperationsAuthorizedAs("cloudwatch:PutMetricData"));
        Assert.Null(catalog.IamAction("monitoring:PutMetricData"));
        Assert.Contains("cloudwatch", catalog.IamPrefixes);
    }

    [Fact]
    public void ReadingOneServiceAtATime_GivesWhatReadingThemAllGives()
    {
        var catalog = ServiceCatalog.ReadEmbedded();
        var everyAction = catalog.IamActionNames("*").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var expected = catalog.Services
            .SelectMany(s => s.Operations.SelectMany(o => new[] { s.IamAction(o), o.IamWithParameter is [_, var with, _] ? with : null }))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.True(expected.SetEquals(everyAction), $"{expected.Except(everyAction).Count()} missing, {everyAction.Except(expected).Count()} extra");
        Assert.All(everyAction, a => Assert.Contains(a[..a.IndexOf(':')], catalog.IamPrefixes));
    }

    [Fact]
    public void AServiceAskedForByManyCallsAtOnce_IsReadOnce()
    {
        var reads = 0;
        var service = new ServiceModel { Id = "q", Protocol = "json", SigningName = "q", EndpointPrefix = "q" };
        service.OperationSource = _ =>
        {
            Interlocked.Increment(ref reads);
            Thread.Sleep(50);
            return [new OperationModel { Name = "Get", Method = "POST", Uri = "/" }];
        };

        var seen = new IReadOnlyList<OperationModel>[16];
        Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = seen.Length }, i => seen[i] = service.Operations);

        Assert.Equal(1, reads);
        Assert.All(seen, operations => Assert.Same(seen[0], operations));
    }

    [Fact]
    public void TheEmbeddedCatalog_ReadFromManyThreadsAtOnce_GivesOneListPerService()
    {
        var catalog = ServiceCatalog.ReadEmbedded();
        var s3 = catalog.Service("s3")!;

        var seen = new IReadOnlyList<OperationModel>[16];
        Parallel.For(0, seen.Length, i => seen[i] = s3.Operations);

        Assert.All(seen, operations => Assert.Same(seen[0], operations));
        Assert.Contains(seen[0], o => o.Name == "GetObject");
    }

    [Fact]
    public void AnOperationsAuthorization_ReadsOnlyItsService()
    {
        var catalog = ServiceCatalog.ReadEmbedded();

        var (iamAction, level) = catalog.Authorization("sqs:SendMessage");

        Assert.Equal(("sqs:SendMessage", "Write"), (iamAction, level));
        Assert.Equal(["sqs"], catalog.Services.Where(s => s.OperationsRead).Select(s => s.Id));
    }
}
