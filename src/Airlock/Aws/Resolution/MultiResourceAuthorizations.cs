using System.Text.Json;
using Airlock.Primitives;
using System.Text.RegularExpressions;

namespace Airlock.Aws.Resolution;

/// <summary>
/// What a json call needs beyond its own action where IAM authorizes it on several resources or several actions:
/// DynamoDB's Batch and Transact operations on each table they name (and TransactWriteItems as the action of each
/// item: PutItem, UpdateItem, DeleteItem, ConditionCheckItem), KMS ReEncrypt on both keys (ReEncryptTo the
/// destination, ReEncryptFrom the source), DynamoDB's PartiQL calls as their statements' verbs
/// (<see cref="PartiQlAuthorizations"/>), and <c>iam:PassRole</c> on every role ARN a call hands to a service.
/// </summary>
internal static partial class MultiResourceAuthorizations
{
    /// <param name="readsOnly">
    /// The call only reads or lists (IAM's access level): a role ARN below its top level is then a filter or a name to
    /// look up, not a role handed over.
    /// </param>
    public static CallNeeds For(string serviceId, string operation, IReadOnlyDictionary<string, string> parameters, ResolveRequest request,
        bool readsOnly = false)
    {
        var also = PassRoles(serviceId, parameters, readsOnly ? null : request.Body);
        switch (serviceId, operation)
        {
            case ("dynamodb", _) when PartiQlAuthorizations.For(operation, request, also) is { } statements:
                return statements;
            case ("lambda", _) when LambdaFunctionArn.For(parameters, request.Region, request.Account) is { } functions:
                return new CallNeeds(functions, also);
            case ("sqs", _) when SqsQueueArn.For(parameters, request.Region, request.Account) is { } queue:
                return new CallNeeds([queue], also);
            case ("secretsmanager", _) when SecretArn.For(parameters, request.Region, request.Account) is { } secret:
                return new CallNeeds([secret], also);
            case ("dynamodb", "BatchGetItem" or "BatchWriteItem"):
                var requested = WithBody(request, body => body.TryGetProperty("RequestItems", out var items) && items.ValueKind == JsonValueKind.Object
                    ? items.EnumerateObject().Select(t => t.Name).ToList() : new List<string>()) ?? [];
                return new CallNeeds(Tables(requested, request), also);
            case ("dynamodb", "TransactGetItems" or "TransactWriteItems"):
                var transacted = TransactItems(request);
                if (operation == "TransactWriteItems")
                {
                    also = [.. also, .. transacted.GroupBy(i => i.Kind).Select(g => new Authorization(
                        $"dynamodb:{WriteAction(g.Key)}", "Write", g.Select(i => TableArn(i.Table, request)).Distinct().ToArray(), $"its {g.Key} items"))];
                }

                return new CallNeeds(Tables(transacted.Select(i => i.Table), request), also);
            case ("kms", "ReEncrypt"):
                var source = parameters.TryGetValue("SourceKeyId", out var sourceKey) && sourceKey.Length > 0 ? KeyArn(sourceKey, request) : "*";
                var destination = parameters.TryGetValue("DestinationKeyId", out var destinationKey) && destinationKey.Length > 0 ? KeyArn(destinationKey, request) : "*";
                return new CallNeeds([destination], [.. also, new Authorization("kms:ReEncryptFrom", "Write", [source], "the source key")]);
            default:
                return also.Count == 0 ? CallNeeds.AsDerived : new CallNeeds(null, also);
        }
    }

    private static string WriteAction(string kind) => kind == "ConditionCheck" ? "ConditionCheckItem" : kind + "Item";

    /// <summary>
    /// A role ARN handed to a service (Lambda's Role, CloudFormation's RoleARN, Step Functions' roleArn, an EventBridge
    /// target's RoleArn, …) lets that service act as the role: IAM requires <c>iam:PassRole</c> on it. Top-level
    /// parameters each, and the roles nested in <paramref name="body"/> together. IAM's and STS's own calls name roles to
    /// manage or assume them.
    /// </summary>
    private static IReadOnlyList<Authorization> PassRoles(string serviceId, IReadOnlyDictionary<string, string> parameters, ReadOnlyMemory<byte>? body)
    {
        if (serviceId is "iam" or "sts")
        {
            return [];
        }

        List<Authorization>? passed = null;
        foreach (var (name, value) in parameters)
        {
            if (IsRoleArn(value))
            {
                (passed ??= []).Add(new Authorization("iam:PassRole", "Write", [value], $"the role in {name}"));
            }
        }

        if (body is { Length: > 0 } bytes)
        {
            var nested = NestedRoleArns.In(bytes, IsRoleArn).Where(r => !parameters.Values.Contains(r.Arn)).ToList();
            if (nested.Count > 0)
            {
                // One permission over them all: a body of many roles is decided in one evaluation, and refused as a whole.
                var where = string.Join(", ", nested.Select(static r => r.Path).Distinct().Take(3)) + (nested.Count > 3 ? ", …" : "");
                (passed ??= []).Add(new Authorization("iam:PassRole", "Write", nested.Select(static r => r.Arn).Distinct().ToArray(), $"the roles in {where}"));
            }
        }

        return passed ?? (IReadOnlyList<Authorization>)[];
    }

    private static bool IsRoleArn(string value) => value.StartsWith("arn:", StringComparison.Ordinal) && RoleArn().IsMatch(value);

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();

    private static string TableArn(string table, ResolveRequest request) =>
        table == "*" || table.StartsWith("arn:", StringComparison.Ordinal) ? table : $"arn:aws:dynamodb:{request.Region}:{request.Account}:table/{table}";

    private static string KeyArn(string key, ResolveRequest request) =>
        key.StartsWith("arn:", StringComparison.Ordinal) ? key
        : key.StartsWith("alias/", StringComparison.Ordinal) ? $"arn:aws:kms:{request.Region}:{request.Account}:{key}"
        : $"arn:aws:kms:{request.Region}:{request.Account}:key/{key}";

    /// <summary>The ARNs of the tables a body names, or "*" (which only a Deny can cover) when it names none Airlock can read.</summary>
    private static IReadOnlyList<string> Tables(IEnumerable<string> tables, ResolveRequest request)
    {
        var arns = tables.Select(t => TableArn(t, request)).Distinct().ToArray();
        return arns.Length > 0 ? arns : ["*"];
    }

    /// <summary>(Get|Put|Update|Delete|ConditionCheck, table) of each TransactItems entry.</summary>
    private static List<(string Kind, string Table)> TransactItems(ResolveRequest request) =>
        WithBody(request, body =>
        {
            var items = new List<(string, string)>();
            if (body.TryGetProperty("TransactItems", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    foreach (var kind in item.EnumerateObject())
                    {
                        var table = kind.Value.ValueKind == JsonValueKind.Object && kind.Value.TryGetProperty("TableName", out var name)
                            && name.ValueKind == JsonValueKind.String ? name.GetString()! : "*";
                        items.Add((kind.Name, table));
                    }
                }
            }

            return items;
        }) ?? [];

    /// <summary>What <paramref name="read"/> makes of the call's json object body; null when it has none or none that is an object.</summary>
    internal static T? WithBody<T>(ResolveRequest request, Func<JsonElement, T> read)
        where T : class
    {
        if (request.Body is not { Length: > 0 } body)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body, BodyNesting.DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
