using System.Security;
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

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }

    private static string Xml(string text) => SecurityElement.Escape(text);
}
