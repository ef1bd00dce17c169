using Airlock.Aws.Catalog;

namespace Airlock.Policy;

/// <summary>One call described by hand (<c>airlock policy explain</c>, the console's explain form), as the policy sees it.</summary>
internal static class PolicyExplain
{
    /// <param name="action">An IAM action or API operation, e.g. <c>s3:ListBucket</c> or <c>s3:ListObjectsV2</c>.</param>
    /// <param name="parameters">Request parameters as <c>Name=Value</c>.</param>
    public static PolicyRequest Request(string subject, IReadOnlyList<string> groups, string connection, string action, IReadOnlyList<string> resources,
        string region, IEnumerable<string> parameters, DateTimeOffset now)
    {
        var callParameters = parameters.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var (iamAction, accessLevel) = ServiceCatalog.Default.Authorization(action, callParameters);
        return new PolicyRequest(subject, groups, connection, action, resources.Count > 0 ? resources : ["*"])
        {
            IamAction = iamAction,
            AccessLevel = accessLevel,
            Region = region,
            Time = now,
            Parameters = callParameters,
        };
    }
}
