using System.Net;
using System.Net.Http.Headers;
using Airlock.Aws.Catalog;
using Airlock.Masking;
using Airlock.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.Masking;

/// <summary>A masked smithy-rpc-v2-cbor response as a real client reads it: botocore's own CBOR parser, with the operation's model.</summary>
public sealed class CborMaskedResponseTests
{
    [Fact]
    public async Task MaskedCborResponse_IsWhatBotocoreParses_WithTheSecretsMasked()
    {
        var model = ServiceCatalog.Default.Service("gamelift")!;
        var op = model.Operation("GetComputeAccess")!;
        var plan = CborMaskerTests.PlanFor("gamelift", "GetComputeAccess");
        var masking = new ResponseMasking(plan, plan, model, op, new Masker(new byte[32]), 1 << 20, 4096, [], WireProtocol.Cbor);
        var upstream = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(CborMaskerTests.ComputeAccess()) };
        upstream.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
        upstream.Headers.Add("smithy-protocol", "rpc-v2-cbor");
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        var sink = new MemoryStream();
        context.Response.Body = sink;

        var result = await MaskedResponse.WriteAsync(context, upstream, masking, (response, headers) =>
        {
            foreach (var header in headers)
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        });

        Assert.Null(result.Failure);
        Assert.Equal(sink.Length, context.Response.ContentLength);
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, sink.ToArray());
        var parsed = await ProcessRunner.RunAsync(Tools.Python, ["-c", """
            import sys, botocore.session, botocore.parsers
            op = botocore.session.get_session().get_service_model('gamelift').operation_model('GetComputeAccess')
            body = open(sys.argv[1], 'rb').read()
            parsed = botocore.parsers.create_parser('smithy-rpc-v2-cbor').parse(
                {'body': body, 'headers': {'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor'}, 'status_code': 200}, op.output_shape)
            c = parsed['Credentials']
            print(parsed['FleetId'], c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken'], parsed['ComputeName'], sep='|')
            """, file], new Dictionary<string, string?>());
        File.Delete(file);

        Assert.True(parsed.ExitCode == 0, parsed.ToString());
        Assert.Equal("fleet-1|****|****|****|owner [email:****]", parsed.StdOut.Trim());
    }
}
