using System.Formats.Cbor;
using System.Security;
using Airlock.Aws.Catalog;
using System.Text;
using System.Text.Json;

namespace Airlock.Aws.Errors;

/// <summary>Writes a refusal in the error shape of the caller's protocol, so its SDK shows the message.</summary>
internal static class AwsErrorWriter
{
    public static Task WriteAsync(HttpContext context, string protocol, AwsError error, string requestId)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.Headers["x-amzn-RequestId"] = requestId;
        response.Headers["x-amz-request-id"] = requestId;
        string body, contentType;
        switch (protocol)
        {
            case WireProtocol.Cbor:
                response.Headers["smithy-protocol"] = "rpc-v2-cbor";
                return WriteBodyAsync(context, "application/cbor", Cbor(error));
            case "json":
                contentType = "application/x-amz-json-1.1";
                response.Headers["x-amzn-ErrorType"] = error.Code;
                body = JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = error.Code, ["message"] = error.Message });
                break;
            case "rest-json":
                contentType = "application/json";
                response.Headers["x-amzn-ErrorType"] = error.Code;
                body = JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = error.Code, ["message"] = error.Message });
                break;
            case "ec2":
                contentType = "text/xml";
                body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{Xml(error.Code)}</Code><Message>{Xml(error.Message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>";
                break;
            case "rest-xml":
                contentType = "application/xml";
                body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{Xml(error.Code)}</Code><Message>{Xml(error.Message)}</Message><RequestId>{requestId}</RequestId></Error>";
                break;
            default:
                contentType = "text/xml";
                body = $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{Xml(error.Code)}</Code><Message>{Xml(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>";
                break;
        }

        return WriteBodyAsync(context, contentType, Encoding.UTF8.GetBytes(body));
    }

    private static Task WriteBodyAsync(HttpContext context, string contentType, byte[] bytes)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }

    /// <summary>The smithy-rpc-v2-cbor error shape: a map with <c>__type</c> and <c>message</c>.</summary>
    private static byte[] Cbor(AwsError error)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(2);
        writer.WriteTextString("__type");
        writer.WriteTextString(error.Code);
        writer.WriteTextString("message");
        writer.WriteTextString(error.Message);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static string Xml(string text) => SecurityElement.Escape(text);
}
