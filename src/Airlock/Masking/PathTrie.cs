namespace Airlock.Masking;

/// <summary>
/// Field paths merged into one tree, walked one level at a time as a json or xml document is read, so a
/// response is matched against hundreds of paths at the cost of a dictionary look-up per level.
/// </summary>
internal sealed class PathTrie<T> where T : class
{
    private readonly Node _root = new();

    public bool IsEmpty { get; private set; } = true;

    public PathState Root => IsEmpty ? default : new PathState([_root]);

    /// <summary>Adds a path; where two paths end on the same node the first one added wins.</summary>
    public void Add(IReadOnlyList<string> segments, T value)
    {
        var node = _root;
        foreach (var segment in segments)
        {
            node = segment switch
            {
                "*" => node.Any ??= new Node(),
                "**" => node.AnyDepth ??= new Node { IsAnyDepth = true },
                _ => (node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal)).TryGetValue(segment, out var child)
                    ? child
                    : node.Children[segment] = new Node(),
            };
        }

        node.Value ??= value;
        IsEmpty = false;
    }

    internal sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public Node? Any;
        public Node? AnyDepth;
        public bool IsAnyDepth;
        public T? Value;
    }

    /// <summary>Where a walk stands: the nodes the levels read so far lead to (none: no path can match below).</summary>
    internal readonly struct PathState(Node[]? nodes)
    {
        public bool IsEmpty => nodes is null;

        /// <summary>The value of a path that ends here.</summary>
        public T? Value
        {
            get
            {
                if (nodes is null)
                {
                    return null;
                }

                foreach (var node in nodes)
                {
                    if (node.Value is not null)
                    {
                        return node.Value;
                    }
                }

                return null;
            }
        }

        /// <summary>One level down: into a member or element called <paramref name="name"/>, or a list item when it is null.</summary>
        public PathState Step(string? name)
        {
            if (nodes is null)
            {
                return default;
            }

            List<Node>? next = null;
            foreach (var node in nodes)
            {
                if (node.IsAnyDepth)
                {
                    // '**' takes this level too, and stays for the levels below.
                    Add(ref next, node);
                }

                Match(node, name, ref next);
                if (node.AnyDepth is { } deep)
                {
                    Add(ref next, deep);
                    Match(deep, name, ref next);
                }
            }

            return next is null ? default : new PathState([.. next]);
        }

        private static void Match(Node node, string? name, ref List<Node>? next)
        {
            if (name is not null && node.Children is not null && node.Children.TryGetValue(name, out var child))
            {
                Add(ref next, child);
            }

            if (node.Any is { } any)
            {
                Add(ref next, any);
            }
        }

        private static void Add(ref List<Node>? next, Node node)
        {
            next ??= new List<Node>(2);
            if (!next.Contains(node))
            {
                next.Add(node);
            }
        }
    }
}
