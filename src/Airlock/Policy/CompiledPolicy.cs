namespace Airlock.Policy;

/// <summary>
/// An immutable, indexed policy: statements grouped by the service prefix of their actions, so a call
/// only meets the statements that can apply to it. Evaluation follows IAM: an explicit Deny wins, then
/// Review, then Allow; a call no statement allows is denied.
/// </summary>
internal sealed class CompiledPolicy : IPolicyEvaluator
{
    private readonly Dictionary<string, PolicyStatement[]> _byService;
    private readonly PolicyStatement[] _anyService;

    public CompiledPolicy(IReadOnlyList<PolicyStatement> statements, IReadOnlyCollection<string>? sources = null)
    {
        Statements = statements;
        Sources = sources ?? [];
        var anyService = statements.Where(s => s.NotAction || s.Actions.Any(a => a == "*" || a[..a.IndexOf(':')].IndexOfAny(['*', '?']) >= 0)).ToArray();
        _anyService = anyService;
        _byService = statements.Except(anyService)
            .SelectMany(s => s.Actions.Select(a => (Service: a[..a.IndexOf(':')].ToLowerInvariant(), Statement: s)))
            .GroupBy(x => x.Service)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Statement).Distinct().Concat(anyService).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The files this policy was read from (the configuration, policy files, includes).</summary>
    public IReadOnlyCollection<string> Sources { get; }

    public static CompiledPolicy Empty { get; } = new([]);

    /// <summary>The statements whose principal covers this caller, whatever the call.</summary>
    public IEnumerable<PolicyStatement> StatementsFor(string subject, IReadOnlyList<string> groups, string connection, string issuer)
    {
        var principal = new PolicyRequest(subject, groups, connection, "", []) { Issuer = issuer };
        return Statements.Where(s => PrincipalMatches(s, principal));
    }

    public PolicyDecision Evaluate(PolicyRequest request)
    {
        var colon = request.Action.IndexOf(':');
        var service = colon < 0 ? request.Action : request.Action[..colon];
        var candidates = _byService.TryGetValue(service, out var byService) ? byService : _anyService;
        PolicyStatement? deny = null, review = null, allow = null;
        List<PolicyStatement>? reviews = null;
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

        if (deny is not null)
        {
            return new PolicyDecision(StatementEffect.Deny, [deny], $"{request.Action} is denied by policy statement {deny.Sid}.");
        }

        if (review is not null)
        {
            IReadOnlyList<PolicyStatement> all = reviews ?? [review];
            var approvers = string.Join(", ", all.SelectMany(s => s.Approvers).Distinct());
            return new PolicyDecision(StatementEffect.Review, all, $"{request.Action} needs approval by {approvers} (policy statement {review.Sid}).");
        }

        return allow is not null
            ? new PolicyDecision(StatementEffect.Allow, [allow], $"{request.Action} is allowed by policy statement {allow.Sid}.")
            : new PolicyDecision(null, [], $"No policy statement allows {request.Action} for {request.Subject} on connection '{request.Connection}'.");
    }

    /// <summary>Whether one statement covers a call: principal, action, resources and conditions.</summary>
    internal static bool Applies(PolicyStatement statement, PolicyRequest request)
    {
        if (!PrincipalMatches(statement, request) || !ActionMatches(statement, request.Action))
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
            var hit = (deny && resources[i] == "*" && !statement.NotResource) || ResourceMatches(statement, resources[i]);
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

    private static bool ActionMatches(PolicyStatement statement, string action)
    {
        var any = false;
        for (var i = 0; i < statement.Actions.Count && !any; i++)
        {
            any = Wildcard.Matches(statement.Actions[i], action);
        }

        return any != statement.NotAction;
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
