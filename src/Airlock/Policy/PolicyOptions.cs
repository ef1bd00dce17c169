namespace Airlock.Policy;

/// <summary>
/// Where the policy comes from: statements written inline under <c>policy</c> in airlock.yaml, and
/// policy files (YAML or JSON) listed in <c>policy.files</c>. Files are reloaded when they change.
/// </summary>
internal sealed class PolicyOptions
{
    public List<string> Files { get; set; } = [];
}
