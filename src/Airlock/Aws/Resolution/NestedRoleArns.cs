using System.Text;
using System.Text.Json;
using System.Xml;
using Airlock.Primitives;

namespace Airlock.Aws.Resolution;

/// <summary>
/// The role ARNs a json or xml body carries below its top level (an EventBridge target's <c>RoleArn</c>, a CodePipeline's
/// <c>pipeline.roleArn</c>, an S3 replication configuration's <c>Role</c>), each with where it was, as
/// <c>Targets.1.RoleArn</c>. The top level's are the call's parameters, read elsewhere.
/// </summary>
internal static class NestedRoleArns
{
    /// <summary>(where, ARN) of each nested role ARN; empty when there is none or the body is neither json nor xml.</summary>
    public static List<(string Path, string Arn)> In(ReadOnlyMemory<byte> body, Func<string, bool> isRoleArn)
    {
        var found = new List<(string, string)>();
        var span = body.Span;
        var start = span.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        var json = start.Length > 0 && start[0] == (byte)'{';
        var xml = start.Length > 0 && start[0] == (byte)'<';
        // Without an escape, a json role ARN's text is in the body as it is; with one, anything may be spelled otherwise,
        // and the body is read. Xml can also split a text with comments and CDATA sections: it is always read.
        if ((!json && !xml) || (json && span.IndexOf(":role/"u8) < 0 && span.IndexOf((byte)'\\') < 0))
        {
            return found;
        }

        try
        {
            if (json)
            {
                Json(start, isRoleArn, found);
            }
            else
            {
                Xml(body, isRoleArn, found);
            }
        }
        catch (Exception e) when (e is JsonException or XmlException)
        {
            // The resolver refuses a body it cannot read before this is asked. Should one still be read only in part, a
            // role may be in the rest: only a statement on every role (or a Deny on any) decides that.
            found.Add(("the part of the body Airlock could not read", "*"));
        }

        return found;
    }

    private static void Json(ReadOnlySpan<byte> body, Func<string, bool> isRoleArn, List<(string, string)> found)
    {
        var reader = new Utf8JsonReader(body, BodyNesting.ReaderOptions);
        // One entry per open container: its member name or item number so far, and whether it is an array.
        var path = new List<(string Name, int Item, bool Array)>();
        string? member = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    member = reader.GetString();
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (path.Count > 0)
                    {
                        path[^1] = Next(path[^1], member);
                    }

                    path.Add(("", 0, reader.TokenType == JsonTokenType.StartArray));
                    member = null;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    path.RemoveAt(path.Count - 1);
                    break;
                default:
                    path[^1] = Next(path[^1], member);
                    if (reader.TokenType == JsonTokenType.String && path.Count > 1 && reader.GetString() is { } value && isRoleArn(value))
                    {
                        found.Add((Where(path), value));
                    }

                    break;
            }
        }
    }

    /// <summary>The container's entry once a value (scalar or container) comes in it: its member's name, or the next item number.</summary>
    private static (string Name, int Item, bool Array) Next((string Name, int Item, bool Array) container, string? member) =>
        container.Array ? container with { Item = container.Item + 1 } : container with { Name = member ?? "" };

    private static string Where(List<(string Name, int Item, bool Array)> path)
    {
        var where = new StringBuilder();
        foreach (var (name, item, array) in path)
        {
            where.Append(where.Length == 0 ? "" : ".").Append(array ? item.ToString(System.Globalization.CultureInfo.InvariantCulture) : name);
        }

        return where.ToString();
    }

    private static void Xml(ReadOnlyMemory<byte> body, Func<string, bool> isRoleArn, List<(string, string)> found)
    {
        using var reader = XmlReader.Create(new MemoryStream(body.ToArray()),
            new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
        // Each open element's name and its own text so far: the text may come in pieces (character references, CDATA
        // sections, around a child element), and is judged whole, as a service would read it.
        var path = new List<(string Name, StringBuilder Text)>();
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when !reader.IsEmptyElement:
                    path.Add((reader.LocalName, new StringBuilder()));
                    break;
                case XmlNodeType.EndElement:
                    if (path[^1].Text.ToString().Trim() is var value && isRoleArn(value))
                    {
                        found.Add((string.Join('.', path.Select(static e => e.Name)), value));
                    }

                    path.RemoveAt(path.Count - 1);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when path.Count > 0:
                    path[^1].Text.Append(reader.Value);
                    break;
            }
        }
    }
}
