using Airlock.Aws.Catalog;

namespace Airlock.Upstream;

/// <summary>Where a connection's calls go. Always from configuration, never from the caller's request.</summary>
internal static class UpstreamEndpoint
{
    public static Uri For(ConnectionOptions connection, ServiceModel service, string region)
    {
        if (connection.Endpoint is { } endpoint)
        {
            return new Uri(endpoint.TrimEnd('/'));
        }

        if (service.GlobalEndpoint is { } global)
        {
            return new Uri($"https://{global}");
        }

        return new Uri($"https://{service.EndpointPrefix}.{region}.amazonaws.com");
    }
}
