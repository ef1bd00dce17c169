using System.Formats.Cbor;
using Airlock.Aws.Catalog;
using Airlock.Masking;
using Xunit;

namespace Airlock.Tests.Unit.Masking;

/// <summary>smithy-rpc-v2-cbor responses masked by the model's sensitive members, rules and detectors.</summary>
public sealed class CborMaskerTests
{
    private static readonly MaskPlanner Planner = new(new MaskingOptions(), new Masker(new byte[32]));

    internal static MaskPlan PlanFor(string service, string operation)
    {
        var model = ServiceCatalog.Default.Service(service)!;
        var op = model.Operation(operation)!;
        return Planner.Plan(model, op, $"{model.ActionPrefix}:{op.Name}", []);
    }

    /// <summary>A GameLift GetComputeAccess answer: credentials the model marks sensitive, next to plain members.</summary>
    internal static byte[] ComputeAccess(bool indefinite = false)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        writer.WriteStartMap(indefinite ? null : 4);
        writer.WriteTextString("FleetId");
        writer.WriteTextString("fleet-1");
        writer.WriteTextString("ComputeName");
        writer.WriteTextString("owner jane.doe@example.com");
        writer.WriteTextString("Credentials");
        writer.WriteStartMap(3);
        writer.WriteTextString("AccessKeyId");
        writer.WriteTextString("AKIAIOSFODNN7EXAMPLE");
        writer.WriteTextString("SecretAccessKey");
        if (indefinite)
        {
            writer.WriteStartIndefiniteLengthTextString();
            writer.WriteTextString("wJalrXUtnFEMI/K7MDENG/");
            writer.WriteTextString("bPxRfiCYEXAMPLEKEY");
            writer.WriteEndIndefiniteLengthTextString();
        }
        else
        {
            writer.WriteTextString("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        }

        writer.WriteTextString("SessionToken");
        writer.WriteTextString("token-123");
        writer.WriteEndMap();
        writer.WriteTextString("Expires");
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteDouble(1700000000.5);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static Dictionary<string, object?> Read(byte[] cbor)
    {
        var reader = new CborReader(cbor, CborConformanceMode.Lax);
        var value = (Dictionary<string, object?>)ReadItem(reader)!;
        Assert.Equal(0, reader.BytesRemaining);
        return value;
    }

    private static object? ReadItem(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                var map = new Dictionary<string, object?>();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    map[reader.ReadTextString()] = ReadItem(reader);
                }

                reader.ReadEndMap();
                return map;
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextString();
            case CborReaderState.Tag:
                reader.ReadTag();
                return ReadItem(reader);
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            default:
                return reader.ReadDouble();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SensitiveMembers_AndDetectorFinds_AreMasked_TheRestKept(bool indefinite)
    {
        var report = new MaskReport();

        var masked = CborMasker.Mask(ComputeAccess(indefinite), PlanFor("gamelift", "GetComputeAccess"), Planner.Masker, report);

        var body = Read(masked!);
        var credentials = (Dictionary<string, object?>)body["Credentials"]!;
        Assert.Equal("****", credentials["SecretAccessKey"]);
        Assert.Equal("****", credentials["AccessKeyId"]);
        Assert.Equal("****", credentials["SessionToken"]);
        Assert.Equal("fleet-1", body["FleetId"]);
        Assert.Equal("owner [email:****]", body["ComputeName"]);
        Assert.Equal(1700000000.5, body["Expires"]);
        Assert.Contains("Credentials/SecretAccessKey by model", report.Fields);
        Assert.Contains("ComputeName by detector:email", report.Fields);
    }

    [Fact]
    public void ABodyWithNothingToMask_IsLeftAsItCame()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("FleetIds");
        writer.WriteStartArray(2);
        writer.WriteTextString("fleet-1");
        writer.WriteTextString("fleet-2");
        writer.WriteEndArray();
        writer.WriteEndMap();

        Assert.Null(CborMasker.Mask(writer.Encode(), PlanFor("gamelift", "ListFleets"), Planner.Masker, new MaskReport()));
    }

    [Theory]
    [InlineData(new byte[] { 0xa1, 0x63, 0x61 })]       // cut short
    [InlineData(new byte[] { 0xa0, 0x00 })]             // something after the one item
    [InlineData(new byte[] { 0x3c, 0x68, 0x74, 0x6d })] // "<htm": an html page is not CBOR
    public void MalformedCbor_Throws(byte[] body)
    {
        Assert.Throws<CborContentException>(() => CborMasker.Mask(body, PlanFor("gamelift", "GetComputeAccess"), Planner.Masker, new MaskReport()));
    }

    [Fact]
    public void CborAsDeepAsAServiceAnswers_IsCopied()
    {
        // 100 levels of one-item lists around a number: past the old limit of 64, which withheld such answers.
        var body = Enumerable.Repeat((byte)0x81, 100).Append((byte)0x00).ToArray();

        Assert.Null(CborMasker.Mask(body, PlanFor("gamelift", "GetComputeAccess"), Planner.Masker, new MaskReport()));
    }

    [Fact]
    public void DeeplyNestedCbor_Throws_RatherThanRecursingWithoutBound()
    {
        var body = Enumerable.Repeat((byte)0x81, 10_000).Append((byte)0x00).ToArray();

        Assert.Throws<CborContentException>(() => CborMasker.Mask(body, PlanFor("gamelift", "GetComputeAccess"), Planner.Masker, new MaskReport()));
    }
}
