using System.Text;
using System.Xml;
using Airlock.Aws.Catalog;
using Airlock.Masking;

using Xunit;

namespace Airlock.Tests.Unit.Masking;

public sealed class XmlMaskerTests
{
    private static readonly Masker Masker = new(new byte[32]);

    private static (string? Masked, MaskReport Report) Mask(string xml, MaskPlan plan)
    {
        var report = new MaskReport();
        var masked = XmlMasker.Mask(Encoding.UTF8.GetBytes(xml), plan, Masker, report);
        return (masked is null ? null : Encoding.UTF8.GetString(masked), report);
    }

    private const string CreateAccessKey = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <CreateAccessKeyResult>
            <AccessKey>
              <UserName>agent</UserName>
              <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
              <Status>Active</Status>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
              <CreateDate>2026-11-22T04:00:00Z</CreateDate>
            </AccessKey>
          </CreateAccessKeyResult>
          <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
        </CreateAccessKeyResponse>
        """;

    [Fact]
    public void AValuePairedWithAPasswordsName_IsMasked_StackParameters()
    {
        var xml = """
            <DescribeStacksResponse><DescribeStacksResult><Stacks><member><Parameters>
              <member><ParameterKey>DbPassword</ParameterKey><ParameterValue>hunter2-xyz</ParameterValue></member>
              <member><ParameterKey>Stage</ParameterKey><ParameterValue>prod</ParameterValue></member>
            </Parameters><Tags><member><Key>owner</Key><Value>team-a</Value></member></Tags></member></Stacks></DescribeStacksResult></DescribeStacksResponse>
            """;
        var (masked, report) = Mask(xml, JsonMaskerTests.Plan(xml: true));
        Assert.Contains("<ParameterValue>[password:****]</ParameterValue>", masked);
        Assert.Contains("<ParameterValue>prod</ParameterValue>", masked);
        Assert.Contains("<Value>team-a</Value>", masked);
        Assert.Equal(["DescribeStacksResult/Stacks/member/Parameters/member/ParameterValue by detector:password"], report.Fields);
    }

    [Fact]
    public void MasksModelElementsBelowTheRootAndKeepsTheDocumentValid()
    {
        var (masked, report) = Mask(CreateAccessKey, JsonMaskerTests.Plan([("CreateAccessKeyResult/AccessKey/SecretAccessKey", ScalarKind.String)], xml: true));
        var doc = new XmlDocument();
        doc.LoadXml(masked!);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("i", "https://iam.amazonaws.com/doc/2010-05-08/");
        Assert.Equal("****", doc.SelectSingleNode("//i:SecretAccessKey", ns)!.InnerText);
        Assert.Equal("****MPLE", doc.SelectSingleNode("//i:AccessKeyId", ns)!.InnerText.Replace("[aws-access-key-id:", "").TrimEnd(']'));
        Assert.Equal("agent", doc.SelectSingleNode("//i:UserName", ns)!.InnerText);
        Assert.Contains("CreateAccessKeyResult/AccessKey/SecretAccessKey by model", report.Fields);
        Assert.Contains("CreateAccessKeyResult/AccessKey/AccessKeyId by detector:aws-access-key-id", report.Fields);
        Assert.True(masked!.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", StringComparison.Ordinal), masked);
    }

    [Fact]
    public void NothingToMaskGivesNull()
    {
        var xml = "<ListBucketsResult><Buckets><Bucket><Name>b</Name></Bucket></Buckets></ListBucketsResult>";
        Assert.Null(Mask(xml, JsonMaskerTests.Plan([("Secret", ScalarKind.String)], xml: true)).Masked);
    }

    [Fact]
    public void TimestampsAndNumbersAreRemovedBlobsStayBase64()
    {
        var xml = "<R><Credentials><AccessKeyId>a</AccessKeyId><Expiration>2026-11-22T05:00:00Z</Expiration></Credentials><Seed>c2VlZA==</Seed></R>";
        var (masked, _) = Mask(xml, JsonMaskerTests.Plan([("Credentials/Expiration", ScalarKind.Other), ("Seed", ScalarKind.Blob)], detectors: false, xml: true));
        Assert.Equal($"<R><Credentials><AccessKeyId>a</AccessKeyId></Credentials><Seed>{Convert.ToBase64String("****"u8)}</Seed></R>", masked);
    }

    [Fact]
    public void ListWrappersMatchStarAndConfiguredDeepPaths()
    {
        var xml = "<R><Devices><member><Seed>s1</Seed></member><member><Seed>s2</Seed></member></Devices><A><B><Password>p</Password></B></A></R>";
        var (masked, _) = Mask(xml, JsonMaskerTests.Plan([("Devices/*/Seed", ScalarKind.String), ("**/Password", ScalarKind.String)], detectors: false, xml: true));
        Assert.Equal("<R><Devices><member><Seed>****</Seed></member><member><Seed>****</Seed></member></Devices><A><B><Password>****</Password></B></A></R>", masked);
    }

    [Fact]
    public void DetectorsMaskTextAndEntitiesSurvive()
    {
        var xml = "<Error><Code>Invalid</Code><Message>user bob@example.com &amp; key AKIAIOSFODNN7EXAMPLE</Message></Error>";
        var (masked, _) = Mask(xml, JsonMaskerTests.Plan(xml: true));
        Assert.Equal("<Error><Code>Invalid</Code><Message>user [email:****] &amp; key [aws-access-key-id:****MPLE]</Message></Error>", masked);
    }

    [Fact]
    public void DtdsAreRefused()
    {
        Assert.ThrowsAny<XmlException>(() => Mask("<!DOCTYPE r [<!ENTITY x 'y'>]><r>&x;</r>", JsonMaskerTests.Plan(xml: true)));
    }
}
