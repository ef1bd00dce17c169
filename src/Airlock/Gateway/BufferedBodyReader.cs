using Airlock.Aws.Errors;

namespace Airlock.Gateway;

/// <summary>Reads a json, query or small S3 body whole, within the size limit and the in-memory budget of all calls.</summary>
internal sealed class BufferedBodyReader(GatewayOptions options, BufferedBodyBudget budget)
{
    public Task<(ReadOnlyMemory<byte> Body, AwsError? Refusal)> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, options.MaxBufferedBodyBytes, cancellationToken);

    /// <summary>The same with a limit of its own (the unsigned STS door takes far less).</summary>
    public async Task<(ReadOnlyMemory<byte> Body, AwsError? Refusal)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var read = await IncomingRequest.ReadBodyAsync(request, maxBytes, budget, cancellationToken);
        return (read.Body, read.Refusal);
    }

    public static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
