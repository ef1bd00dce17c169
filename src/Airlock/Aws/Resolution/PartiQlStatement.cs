using Airlock.Primitives;

namespace Airlock.Aws.Resolution;

/// <summary>
/// What a DynamoDB PartiQL statement does and to which table, as IAM authorizes it: its verb (SELECT, INSERT, UPDATE,
/// DELETE, and a transaction's <c>EXISTS(SELECT …)</c> as a SELECT) and the one table (a SELECT's index too) after its
/// FROM, INTO or UPDATE. Only the shapes DynamoDB runs are read: one statement, one table, no nested SELECT, no join,
/// no comment (a comment could hide from Airlock what the service reads); anything else is refused, not guessed at.
/// </summary>
/// <param name="Verb">Select, Insert, Update or Delete: the action is <c>dynamodb:PartiQL{Verb}</c>.</param>
internal sealed record PartiQlStatement(string Verb, string Table, string? Index)
{
    /// <summary>The IAM action the statement is authorized as (<c>dynamodb:PartiQLSelect</c>).</summary>
    public string Action => $"dynamodb:PartiQL{Verb}";

    /// <summary>IAM's access level of <see cref="Action"/>.</summary>
    public string AccessLevel => Verb == "Select" ? "Read" : "Write";

    /// <summary>The statement read, or why it cannot be.</summary>
    public static (PartiQlStatement? Statement, string? Error) Read(string text)
    {
        var (tokens, error) = Tokenize(text);
        if (error is not null)
        {
            return (null, error);
        }

        if (tokens.Count >= 4 && tokens[0].Is("EXISTS") && tokens[1].Is("(") && tokens[^1].Is(")"))
        {
            // A transaction's condition check: the SELECT inside reads the item it checks.
            tokens = tokens[2..^1];
            if (!tokens[0].Is("SELECT"))
            {
                return (null, "EXISTS takes a SELECT");
            }
        }

        if (tokens.Count(t => t.Is("SELECT")) > (tokens.Count > 0 && tokens[0].Is("SELECT") ? 1 : 0))
        {
            return (null, "a SELECT inside a statement is not read");
        }

        if (tokens.Count == 0)
        {
            return (null, "the statement is empty");
        }

        var verb = tokens[0];
        return verb switch
        {
            _ when verb.Is("SELECT") => AfterKeyword(tokens, "FROM", "Select", allowIndex: true, ["WHERE", "ORDER"]),
            _ when verb.Is("INSERT") => tokens.Count > 1 && tokens[1].Is("INTO") ? TableAt(tokens, 2, "Insert", allowIndex: false, ["VALUE"]) : (null, "INSERT is followed by INTO"),
            _ when verb.Is("UPDATE") => TableAt(tokens, 1, "Update", allowIndex: false, ["SET", "REMOVE", "WHERE"]),
            _ when verb.Is("DELETE") => tokens.Count > 1 && tokens[1].Is("FROM") ? TableAt(tokens, 2, "Delete", allowIndex: false, ["WHERE", "RETURNING"]) : (null, "DELETE is followed by FROM"),
            _ => (null, $"'{Quoted.Short(verb.Text)}' is not a statement DynamoDB runs (SELECT, INSERT, UPDATE, DELETE)"),
        };
    }

    /// <summary>A SELECT's table: after its one FROM outside any parentheses.</summary>
    private static (PartiQlStatement?, string?) AfterKeyword(List<Token> tokens, string keyword, string verb, bool allowIndex, string[] next)
    {
        var at = -1;
        var depth = 0;
        for (var i = 1; i < tokens.Count; i++)
        {
            depth += tokens[i].Is("(") || tokens[i].Is("[") || tokens[i].Is("{") ? 1 : tokens[i].Is(")") || tokens[i].Is("]") || tokens[i].Is("}") ? -1 : 0;
            if (tokens[i].Is(keyword))
            {
                if (at >= 0 || depth != 0)
                {
                    return (null, $"the statement has {keyword} more than once, or inside parentheses");
                }

                at = i;
            }
        }

        return at < 0 ? (null, $"the statement has no {keyword}") : TableAt(tokens, at + 1, verb, allowIndex, next);
    }

    /// <summary>The table named at <paramref name="at"/> (and an index after a '.'), followed by the end or one of <paramref name="next"/>.</summary>
    private static (PartiQlStatement?, string?) TableAt(List<Token> tokens, int at, string verb, bool allowIndex, string[] next)
    {
        if (at >= tokens.Count || !tokens[at].IsName)
        {
            return (null, "no table name where the statement names its table");
        }

        var table = tokens[at].Name;
        string? index = null;
        var after = at + 1;
        if (after + 1 < tokens.Count && tokens[after].Is(".") && tokens[after + 1].IsName)
        {
            if (!allowIndex)
            {
                return (null, $"a {verb.ToUpperInvariant()} names a table, not an index");
            }

            index = tokens[after + 1].Name;
            after += 2;
        }

        if (after < tokens.Count && !next.Any(tokens[after].Is))
        {
            return (null, $"'{Quoted.Short(tokens[after].Text)}' after the table is not read (one table per statement)");
        }

        return table.Length == 0 || index is { Length: 0 } ? (null, "an empty table or index name") : (new PartiQlStatement(verb, table, index), null);
    }

    /// <summary>
    /// The statement's tokens: names (bare, or double-quoted with "" for a quote), keywords, literals and punctuation.
    /// Single-quoted strings are one token each, so nothing inside them is read as a keyword.
    /// </summary>
    private static (List<Token> Tokens, string? Error) Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"' || c == '\'')
            {
                var value = new System.Text.StringBuilder();
                var j = i + 1;
                while (true)
                {
                    if (j >= text.Length)
                    {
                        return (tokens, c == '"' ? "a quoted name does not end" : "a string does not end");
                    }

                    if (text[j] == c)
                    {
                        if (j + 1 < text.Length && text[j + 1] == c)
                        {
                            value.Append(c);
                            j += 2;
                            continue;
                        }

                        break;
                    }

                    value.Append(text[j++]);
                }

                tokens.Add(c == '"' ? Token.QuotedName(text[i..(j + 1)], value.ToString()) : Token.Literal(text[i..(j + 1)]));
                i = j + 1;
            }
            else if ((c == '-' && i + 1 < text.Length && text[i + 1] == '-') || (c == '/' && i + 1 < text.Length && text[i + 1] == '*'))
            {
                return (tokens, "comments are not read");
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var j = i;
                while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
                {
                    j++;
                }

                tokens.Add(Token.Word(text[i..j]));
                i = j;
            }
            else if (c == ';')
            {
                // One statement per call: a second after a ';' would run unread.
                if (text.AsSpan(i + 1).Trim().Length > 0)
                {
                    return (tokens, "one statement per call");
                }

                i++;
            }
            else
            {
                tokens.Add(Token.Literal(c.ToString()));
                i++;
            }
        }

        return (tokens, null);
    }

    private readonly record struct Token(string Text, string Name, bool IsName, bool IsWord)
    {
        public static Token Word(string text) => new(text, text, true, true);

        public static Token QuotedName(string text, string name) => new(text, name, true, false);

        public static Token Literal(string text) => new(text, "", false, false);

        /// <summary>The keyword or punctuation <paramref name="what"/>; a quoted name never is one.</summary>
        public bool Is(string what) => (IsWord || !IsName) && Text.Equals(what, StringComparison.OrdinalIgnoreCase);
    }
}
