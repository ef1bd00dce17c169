using System.Xml;

namespace Airlock.Aws.Resolution;

/// <summary>
/// An S3 call as IAM authorizes it: <c>s3:GetObject</c> on the source of CopyObject and UploadPartCopy besides
/// <c>s3:PutObject</c> on the destination; DeleteObjects as <c>s3:DeleteObject</c> on every key it deletes (not on the
/// bucket). Null when the call cannot be read for it.
/// </summary>
internal static class S3Authorizations
{
    public static CallNeeds? For(string operation, IReadOnlyDictionary<string, string> parameters, ResolveRequest request)
    {
        switch (operation)
        {
            case "CopyObject" or "UploadPartCopy":
                // A copy of one version of its source reads that version: s3:GetObjectVersion, as IAM has it.
                return parameters.TryGetValue("CopySource", out var source) && SourceArn(source) is { } arn
                    ? new CallNeeds(null, [new Authorization(source.Contains("?versionId=", StringComparison.Ordinal) ? "s3:GetObjectVersion" : "s3:GetObject",
                        "Read", [arn], "the copy source")])
                    : null;
            case "DeleteObjects":
                return parameters.TryGetValue("Bucket", out var bucket) && Keys(request.Body) is { Count: > 0 } keys
                    ? new CallNeeds(keys.Select(k => $"arn:aws:s3:::{bucket}/{k}").Distinct().ToArray(), [])
                    : null;
            default:
                return CallNeeds.AsDerived;
        }
    }

    /// <summary>The ARN of <c>x-amz-copy-source</c>: <c>bucket/key</c> (URL-encoded, a leading '/' allowed, <c>?versionId=</c> after it) or an access point ARN.</summary>
    private static string? SourceArn(string source)
    {
        var q = source.IndexOf('?');
        var path = Uri.UnescapeDataString(q < 0 ? source : source[..q]).TrimStart('/');
        if (path.StartsWith("arn:", StringComparison.Ordinal))
        {
            return path;
        }

        var slash = path.IndexOf('/');
        return slash > 0 && slash < path.Length - 1 ? $"arn:aws:s3:::{path}" : null;
    }

    /// <summary>The keys a DeleteObjects body names (<c>Delete/Object/Key</c>), or null when it is not that.</summary>
    private static List<string>? Keys(ReadOnlyMemory<byte>? body)
    {
        if (body is not { Length: > 0 } xml)
        {
            return null;
        }

        var keys = new List<string>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xml.ToArray()),
                new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true });
            var path = new List<string>();
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    path.Add(reader.LocalName);
                    if (path is ["Delete", "Object", "Key"])
                    {
                        // Reads past the element's end: the loop goes on from the node after it.
                        keys.Add(reader.ReadElementContentAsString());
                        path.RemoveAt(path.Count - 1);
                        continue;
                    }

                    if (reader.IsEmptyElement)
                    {
                        path.RemoveAt(path.Count - 1);
                    }
                }
                else if (reader.NodeType == XmlNodeType.EndElement)
                {
                    path.RemoveAt(path.Count - 1);
                }

                reader.Read();
            }

            return keys;
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
