using Airlock.Primitives;

namespace Airlock.Policy;

/// <summary>
/// An immutable, indexed policy: statements grouped by the service prefix of their actions, so a call
/// only meets the statements that can apply to it. Evaluation follows IAM: an explicit Deny wins, then
/// Review, then Allow; a call no statement allows is denied.
/// </summary>
internal sealed class CompiledPolicy : IPolicyEvaluator
{
    private readonly Dictionary<string, PolicyStatement[]> _byService;
    private readonly Dictionary<string, PolicyStatement[]> _byServiceOnly;
    private readonly PolicyStatement[] _anyService;

    public CompiledPolicy(IReadOnlyList<PolicyStatement> statements, IReadOnlyCollection<string>? sources = null)
    {
        Statements = statements;
        Sources = sources ?? [];
        var anyService = statements.Where(s => s.NotAction || s.Actions.Any(a => a == "*" || Wildcard.IsPattern(a[..a.IndexOf(':')]))).ToArray();
        _anyService = anyService;
        _byServiceOnly = statements.Except(anyService)
            .SelectMany(s => s.Actions.Select(a => (Service: a[..a.IndexOf(':')].ToLowerInvariant(), Statement: s)))
            .GroupBy(x => x.Service)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Statement).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
        _byService = _byServiceOnly.ToDictionary(p => p.Key, p => p.Value.Concat(anyService).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The files this policy was read from (the configuration, policy files, includes).</summary>
    public IReadOnlyCollection<string> Sources { get; }

    public static CompiledPolicy Empty { get; } = new([]);

    /// <summary>The statements whose principal covers this caller, whatever the call.</summary>
    public IEnumerable<PolicyStatement> StatementsFor(string subject, IReadOnlyList<string> groups, string connection, string issuer)
    {
        // Only the principal is matched here, so the call's time does not matter.
        var principal = new PolicyRequest(subject, groups, connection, "", []) { Issuer = issuer, Time = default };
        return Statements.Where(s => PrincipalMatches(s, principal));
    }

    public PolicyDecision Evaluate(PolicyRequest request)
    {
        var service = Prefix(request.Action);
        var candidates = _byService.TryGetValue(service, out var byService) ? byService : _anyService;
        PolicyStatement? deny = null, review = null, allow = null;
        List<PolicyStatement>? reviews = null;
        Collect(candidates, request, ref deny, ref review, ref allow, ref reviews);
        // The IAM action's prefix may not be the operation's (cloudwatch:PutMetricData for monitoring:PutMetricData).
        if (request.IamAction is { } iam && Prefix(iam) is var iamService && !iamService.Equals(service, StringComparison.OrdinalIgnoreCase)
            && _byServiceOnly.TryGetValue(iamService, out var byIamService))
        {
            Collect(byIamService, request, ref deny, ref review, ref allow, ref reviews);
        }

        if (deny is not null)
        {
            return new PolicyDecision(StatementEffect.Deny, [deny], $"{request.Named} is denied by policy statement {deny.Sid}.");
        }

        if (review is not null)
        {
            IReadOnlyList<PolicyStatement> all = reviews ?? [review];
            var approvers = string.Join(", ", all.SelectMany(s => s.Approvers).Distinct());
            return new PolicyDecision(StatementEffect.Review, all, $"{request.Named} needs approval by {approvers} (policy statement {review.Sid}).");
        }

        return allow is not null
            ? new PolicyDecision(StatementEffect.Allow, [allow], $"{request.Named} is allowed by policy statement {allow.Sid}.")
            : new PolicyDecision(null, [], $"No policy statement allows {request.Named} for {request.Subject} on connection '{request.Connection}'.");
    }

    private static string Prefix(string action)
    {
        var colon = action.IndexOf(':');
        return colon < 0 ? action : action[..colon];
    }

    private static void Collect(PolicyStatement[] candidates, PolicyRequest request,
        ref PolicyStatement? deny, ref PolicyStatement? review, ref PolicyStatement? allow, ref List<PolicyStatement>? reviews)
    {
        foreach (var statement in candidates.AsSpan())
        {
            if (!Applies(statement, request))
            {
                continue;
            }

            switch (statement.Effect)
            {
                case StatementEffect.Deny:
                    deny ??= statement;
                    break;
                case StatementEffect.Review when review is null:
                    review = statement;
                    break;
                case StatementEffect.Review:
                    (reviews ??= [review]).Add(statement);
                    break;
                default:
                    allow ??= statement;
                    break;
            }
        }
    }

    /// <summary>Whether one statement covers a call: principal, action (either of its names), access level, resources and conditions.</summary>
    internal static bool Applies(PolicyStatement statement, PolicyRequest request)
    {
        if (!PrincipalMatches(statement, request) || !ActionMatches(statement, request) || !AccessLevelMatches(statement, request.AccessLevel))
        {
            return false;
        }

        if (!ResourcesMatch(statement, request.Resources))
        {
            return false;
        }

        for (var i = 0; i < statement.Conditions.Count; i++)
        {
            if (!ConditionEvaluator.Evaluate(statement.Conditions[i], request))
            {
                return false;
            }
        }

        return true;
    }

    private static bool PrincipalMatches(PolicyStatement statement, PolicyRequest request)
    {
        if (statement.Principals is not { } principals)
        {
            return true;
        }

        if (principals.TryGetValue("Group", out var groups))
        {
            for (var i = 0; i < groups.Count; i++)
            {
                if (GroupMatches(groups[i], request.Groups))
                {
                    return true;
                }
            }
        }

        return (principals.TryGetValue("Subject", out var subjects) && AnyMatches(subjects, request.Subject))
            || (principals.TryGetValue("Issuer", out var issuers) && AnyMatches(issuers, request.Issuer));
    }

    private static bool AnyMatches(IReadOnlyList<string> patterns, string value)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (Wildcard.Matches(patterns[i], value, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    // Loops rather than LINQ: this runs for every statement of every call and must not allocate.
    private static bool GroupMatches(string pattern, IReadOnlyList<string> groups)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (pattern == "*" || Wildcard.Matches(pattern, groups[i], ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Allow and Review must cover every resource of the call; Deny applies when any is covered, and also
    /// when the call's resource is unknown ("*"): where Airlock cannot tell, a Deny errs towards denying.
    /// </summary>
    private static bool ResourcesMatch(PolicyStatement statement, IReadOnlyList<string> resources)
    {
        var deny = statement.Effect == StatementEffect.Deny;
        for (var i = 0; i < resources.Count; i++)
        {
            var hit = (deny && resources[i] == "*" && !statement.NotResource) || ResourceMatches(statement, resources[i])
                || (!statement.NotResource && Aws.Resolution.SecretArn.HasUnknownSuffix(resources[i]) && SecretMatches(statement, resources[i], deny));
            if (deny && hit)
            {
                return true;
            }

            if (!deny && !hit)
            {
                return false;
            }
        }

        return !deny;
    }

    /// <summary>A pattern naming the operation (<c>s3:ListObjectsV2</c>) or its IAM action (<c>s3:ListBucket</c>) covers the call.</summary>
    private static bool ActionMatches(PolicyStatement statement, PolicyRequest request)
    {
        var any = false;
        for (var i = 0; i < statement.Actions.Count && !any; i++)
        {
            any = Wildcard.Matches(statement.Actions[i], request.Action)
                || (request.IamAction is { } iam && Wildcard.Matches(statement.Actions[i], iam));
        }

        return any != statement.NotAction;
    }

    /// <summary>
    /// A call IAM gives no access level is never allowed (nor held) by a statement that names levels, and is denied by
    /// a Deny that names any: where Airlock cannot tell, it errs towards refusing, as with unknown resources.
    /// </summary>
    private static bool AccessLevelMatches(PolicyStatement statement, string? level)
    {
        if (statement.AccessLevels.Count == 0)
        {
            return true;
        }

        if (level is null)
        {
            return statement.Effect == StatementEffect.Deny;
        }

        for (var i = 0; i < statement.AccessLevels.Count; i++)
        {
            if (HasLevel(level, statement.AccessLevels[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IAM files some actions under two levels (<c>Tagging, Write</c>; <c>Permissions management, Write</c>): either names them.</summary>
    private static bool HasLevel(string levels, string wanted)
    {
        foreach (var range in levels.AsSpan().Split(','))
        {
            if (levels.AsSpan()[range].Trim().Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A secret named without its suffix (<see cref="Aws.Resolution.SecretArn"/>) is also covered by a statement naming
    /// it as Airlock did before it knew of the suffix (<c>secret:prod/db</c>), and by a Deny that could match its ARN.
    /// </summary>
    private static bool SecretMatches(PolicyStatement statement, string resource, bool deny)
    {
        var named = resource[..^Aws.Resolution.SecretArn.UnknownSuffix.Length];
        for (var i = 0; i < statement.Resources.Count; i++)
        {
            if (Wildcard.Matches(statement.Resources[i], named, ignoreCase: false)
                || (deny && Wildcard.Matches(statement.Resources[i], resource, ignoreCase: false, valueHasUnknowns: true)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ResourceMatches(PolicyStatement statement, string resource)
    {
        var any = false;
        for (var i = 0; i < statement.Resources.Count && !any; i++)
        {
            any = statement.Resources[i] == "*" || Wildcard.Matches(statement.Resources[i], resource, ignoreCase: false);
        }

        return any != statement.NotResource;
    }
}
