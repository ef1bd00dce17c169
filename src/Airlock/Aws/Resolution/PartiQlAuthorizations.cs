using System.Text.Json;

namespace Airlock.Aws.Resolution;

/// <summary>
/// DynamoDB's PartiQL calls as IAM authorizes them: each statement as <c>dynamodb:PartiQLSelect</c>, <c>PartiQLInsert</c>,
/// <c>PartiQLUpdate</c> or <c>PartiQLDelete</c> on the table (or index) it names. IAM has no action for the calls
/// themselves (<c>ExecuteStatement</c>, <c>BatchExecuteStatement</c>, <c>ExecuteTransaction</c>): the call is authorized
/// as its first statement's verb on that verb's tables, and the other verbs beside it. A statement Airlock cannot read
/// refuses the call.
/// </summary>
internal static class PartiQlAuthorizations
{
    /// <summary>The IAM actions of the statements' verbs, which no operation is authorized as on its own.</summary>
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(
        ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"], StringComparer.OrdinalIgnoreCase);

    /// <summary>What the call needs, or null for a call that is none of PartiQL's.</summary>
    public static CallNeeds? For(string operation, ResolveRequest request, IReadOnlyList<Authorization> also)
    {
        var path = operation switch
        {
            "ExecuteStatement" => null,
            "BatchExecuteStatement" => "Statements",
            "ExecuteTransaction" => "TransactStatements",
            _ => "",
        };
        if (path == "")
        {
            return null;
        }

        var (texts, unread) = Statements(request, path);
        if (unread is not null)
        {
            return CallNeeds.Unreadable(unread);
        }

        var read = new List<PartiQlStatement>(texts.Count);
        foreach (var (text, at) in texts)
        {
            var (statement, error) = PartiQlStatement.Read(text);
            if (statement is null)
            {
                return CallNeeds.Unreadable($"{at}: {error}");
            }

            read.Add(statement);
        }

        var byVerb = read.GroupBy(static s => s.Verb)
            .Select(g => new Authorization(g.First().Action, g.First().AccessLevel,
                g.Select(s => Arn(s, request)).Distinct().ToArray(), $"its {g.Key.ToUpperInvariant()} statements"))
            .ToList();
        return new CallNeeds(byVerb[0].Resources, [.. also, .. byVerb.Skip(1)]) { AuthorizedAs = byVerb[0] };
    }

    private static string Arn(PartiQlStatement statement, ResolveRequest request)
    {
        var table = statement.Table.StartsWith("arn:", StringComparison.Ordinal)
            ? statement.Table
            : $"arn:aws:dynamodb:{request.Region}:{request.Account}:table/{statement.Table}";
        return statement.Index is { } index ? $"{table}/index/{index}" : table;
    }

    /// <summary>The statements' texts and where each is in the body (<c>Statements[2].Statement</c>), or why they cannot be read.</summary>
    private static (List<(string Text, string At)> Texts, string? Error) Statements(ResolveRequest request, string? list)
    {
        var read = MultiResourceAuthorizations.WithBody(request, root => StatementsIn(root, list)) ?? new StatementTexts([], "the body is not a json object");
        return (read.Texts, read.Error);
    }

    private static StatementTexts StatementsIn(JsonElement root, string? list)
    {
        if (list is null)
        {
            return root.TryGetProperty("Statement", out var one) && one.ValueKind == JsonValueKind.String
                ? new([(one.GetString()!, "Statement")], null)
                : new([], "the call has no Statement");
        }

        if (!root.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            return new([], $"the call has no {list}");
        }

        var texts = new List<(string, string)>();
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("Statement", out var text) || text.ValueKind != JsonValueKind.String)
            {
                return new([], $"{list}[{i}] has no Statement");
            }

            texts.Add((text.GetString()!, $"{list}[{i}].Statement"));
            i++;
        }

        return new(texts, null);
    }

    private sealed record StatementTexts(List<(string Text, string At)> Texts, string? Error);
}
