using Airlock.Primitives;
using YamlDotNet.RepresentationModel;

namespace Airlock.Policy;

internal sealed partial class PolicyParser
{
    private static readonly HashSet<string> StatementKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "NotResource", "Condition", "Approvers", "Quorum", "AccessLevel",
    };

    /// <summary>IAM's access levels, as AWS's Service Authorization Reference names them.</summary>
    public static readonly IReadOnlyList<string> AccessLevelNames = ["List", "Read", "Write", "Permissions management", "Tagging"];

    private void ParseStatement(YamlNode node, string source, IReadOnlyDictionary<string, IReadOnlyList<string>>? principalOverride)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add($"{At(source, node)}: a statement is a mapping (Sid, Effect, Principal, Action, Resource, Condition).");
            return;
        }

        var errorsBefore = _errors.Count;
        foreach (var key in map.Children.Keys)
        {
            if (!StatementKeys.Contains(((YamlScalarNode)key).Value ?? ""))
            {
                _errors.Add($"{At(source, key)}: unknown statement key '{((YamlScalarNode)key).Value}'.");
            }
        }

        var sid = Scalar(map, "Sid") ?? $"{Path.GetFileName(source)}:{Line(node)}";
        var effectText = Scalar(map, "Effect");
        if (!Enum.TryParse<StatementEffect>(effectText, ignoreCase: false, out var effect) || !Enum.IsDefined(effect))
        {
            _errors.Add($"{At(source, Child(map, "Effect") ?? map)}: statement {sid}: Effect must be Allow, Deny or Review (got '{effectText}').");
        }

        var actionNode = Child(map, "Action");
        var notActionNode = Child(map, "NotAction");
        if ((actionNode is null) == (notActionNode is null))
        {
            _errors.Add($"{At(source, map)}: statement {sid}: give exactly one of Action and NotAction.");
        }

        var actions = actionNode is not null ? Strings(actionNode, source, "Action") : notActionNode is not null ? Strings(notActionNode, source, "NotAction") : [];
        foreach (var action in actions)
        {
            CheckAction(action, At(source, actionNode ?? notActionNode!), sid);
        }

        var accessLevels = Child(map, "AccessLevel") is { } levelNode ? Strings(levelNode, source, "AccessLevel") : [];
        foreach (var level in accessLevels.Where(l => !AccessLevelNames.Contains(l, StringComparer.OrdinalIgnoreCase)))
        {
            _errors.Add($"{At(source, Child(map, "AccessLevel")!)}: statement {sid}: '{level}' is not an IAM access level ({string.Join(", ", AccessLevelNames)}).");
        }

        var resourceNode = Child(map, "Resource");
        var notResourceNode = Child(map, "NotResource");
        if (resourceNode is not null && notResourceNode is not null)
        {
            _errors.Add($"{At(source, map)}: statement {sid}: give Resource or NotResource, not both.");
        }

        var resources = resourceNode is not null ? Strings(resourceNode, source, "Resource") : notResourceNode is not null ? Strings(notResourceNode, source, "NotResource") : ["*"];
        foreach (var resource in resources.Where(r => r != "*" && !IsArnPattern(r)))
        {
            _errors.Add($"{At(source, resourceNode ?? notResourceNode!)}: statement {sid}: '{resource}' is not an ARN (arn:partition:service:region:account:resource) or '*'.");
        }

        var principals = principalOverride ?? (Child(map, "Principal") is { } principalNode ? ParsePrincipal(principalNode, source) : null);
        if (principalOverride is null && Child(map, "Principal") is null)
        {
            _errors.Add($"{At(source, map)}: statement {sid}: name its Principal (groups, subjects, issuers) or \"*\" for anyone.");
        }

        var conditions = Child(map, "Condition") is { } conditionNode ? ParseConditions(conditionNode, source, sid) : [];
        var approvers = Child(map, "Approvers") is { } approverNode ? Strings(approverNode, source, "Approvers") : [];
        var quorum = 1;
        if (Scalar(map, "Quorum") is { } quorumText && (!int.TryParse(quorumText, out quorum) || quorum < 1))
        {
            _errors.Add($"{At(source, Child(map, "Quorum")!)}: statement {sid}: Quorum is a whole number of at least 1.");
        }

        if (effect == StatementEffect.Review && approvers.Count == 0)
        {
            _errors.Add($"{At(source, map)}: statement {sid}: a Review statement names its Approvers (groups).");
        }

        if (_errors.Count == errorsBefore)
        {
            _statements.Add(new PolicyStatement
            {
                Sid = sid,
                Effect = effect,
                Source = $"{source}:{Line(node)}",
                Principals = principals,
                Actions = actions,
                NotAction = notActionNode is not null,
                AccessLevels = accessLevels,
                Resources = resources,
                NotResource = notResourceNode is not null,
                Conditions = conditions,
                Approvers = approvers,
                Quorum = quorum,
            });
        }
    }

    private IReadOnlyDictionary<string, IReadOnlyList<string>>? ParsePrincipal(YamlNode node, string source)
    {
        if (node is YamlScalarNode { Value: "*" })
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            _errors.Add($"{At(source, node)}: Principal is \"*\" or a mapping of Group, Subject, Issuer.");
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        var principals = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var kind = (((YamlScalarNode)key).Value ?? "").ToLowerInvariant().TrimEnd('s') switch
            {
                "group" => "Group",
                "subject" => "Subject",
                "issuer" => "Issuer",
                _ => null,
            };
            if (kind is null)
            {
                _errors.Add($"{At(source, key)}: unknown principal kind '{((YamlScalarNode)key).Value}' (Group, Subject, Issuer).");
                continue;
            }

            principals[kind] = Strings(value, source, "Principal " + kind);
        }

        return principals;
    }

    private List<PolicyCondition> ParseConditions(YamlNode node, string source, string sid)
    {
        var conditions = new List<PolicyCondition>();
        if (node is not YamlMappingNode operators)
        {
            _errors.Add($"{At(source, node)}: statement {sid}: Condition maps operators to {{key: values}}.");
            return conditions;
        }

        foreach (var (opNode, keysNode) in operators.Children)
        {
            var op = ((YamlScalarNode)opNode).Value ?? "";
            if (!ConditionEvaluator.IsKnownOperator(op))
            {
                _errors.Add($"{At(source, opNode)}: statement {sid}: unknown condition operator '{op}'.");
                continue;
            }

            if (keysNode is not YamlMappingNode keys)
            {
                _errors.Add($"{At(source, keysNode)}: statement {sid}: {op} maps condition keys to values.");
                continue;
            }

            foreach (var (keyNode, valuesNode) in keys.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                if (!PolicyRequest.IsKnownKey(key))
                {
                    _errors.Add($"{At(source, keyNode)}: statement {sid}: unknown condition key '{key}'.");
                    continue;
                }

                conditions.Add(new PolicyCondition(op, key, Strings(valuesNode, source, key), At(source, keyNode)));
            }
        }

        return conditions;
    }

    private void CheckAction(string action, string at, string sid)
    {
        if (action == "*")
        {
            return;
        }

        var colon = action.IndexOf(':');
        if (colon <= 0 || colon == action.Length - 1)
        {
            _errors.Add($"{at}: statement {sid}: action '{action}' is not 'service:Operation'.");
            return;
        }

        var prefix = action[..colon];
        // The services a prefix names are read and kept, as calls to them will need; a pattern over prefixes looks
        // through the services it matches without keeping them.
        var services = catalog.Services.Where(s => Wildcard.Matches(prefix, s.ActionPrefix)).ToList();
        var keep = !Wildcard.IsPattern(prefix);
        if (services.Count == 0 && !catalog.IamPrefixes.Any(p => Wildcard.Matches(prefix, p)))
        {
            _errors.Add($"{at}: statement {sid}: no AWS service has the action prefix '{prefix}'.");
            return;
        }

        // Most actions are exact names: looked up, not matched against every IAM action and operation (policy load and reload);
        // a pattern stops at the first IAM action or operation it matches.
        var exact = !Wildcard.IsPattern(action);
        var name = action[(colon + 1)..];
        var namesIamAction = exact
            ? catalog.IamAction(action) is not null
            : catalog.IamActionNames(prefix).Any(a => Wildcard.Matches(action, a));
        var operations = services.SelectMany(s => s.ReadOperations(keep)
            .Where(o => exact ? string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase) : Wildcard.Matches(name, o.Name))
            .Select(o => (Service: s, Operation: o)));
        if (!namesIamAction && !operations.Any())
        {
            var asked = Airlock.Aws.Resolution.S3HeaderAuthorizations.AskedBesideCalls.Concat(Airlock.Aws.Resolution.PartiQlAuthorizations.Actions);
            if (exact ? asked.Contains(action, StringComparer.OrdinalIgnoreCase) : asked.Any(a => Wildcard.Matches(action, a)))
            {
                // A permission Airlock asks for beside the calls that need it (the bypass header) or as a statement's verb: it covers them.
                return;
            }

            if (exact ? catalog.IamActionsWithoutOperation.Contains(action) : catalog.IamActionsWithoutOperation.Any(a => Wildcard.Matches(action, a)))
            {
                _warnings.Add($"{at}: statement {sid}: '{action}' is an IAM action no API operation is authorized as on its own " +
                    "(a permission checked beside a call, or one Airlock does not tell apart yet): it covers no call.");
                return;
            }

            _errors.Add($"{at}: statement {sid}: '{action}' matches no IAM action nor API operation of {prefix}.");
            return;
        }

        // An exact operation name IAM does not know is an alias only Airlock reads: the same policy in IAM would not do it.
        if (exact && !namesIamAction && operations.Select(o => o.Service.IamAction(o.Operation)).FirstOrDefault(a => a is not null) is { } iamName)
        {
            _warnings.Add($"{at}: statement {sid}: '{action}' is the API operation's name; IAM authorizes it as {iamName}, " +
                $"which also covers {string.Join(", ", catalog.OperationsAuthorizedAs(iamName).Where(o => o != action).DefaultIfEmpty("nothing else"))}. " +
                "Airlock reads the operation name as an alias; name the IAM action to mean what IAM means.");
        }
    }

    private static bool IsArnPattern(string resource)
    {
        var parts = resource.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[1].Length > 0 && parts[2].Length > 0 && parts[5].Length > 0;
    }
}
