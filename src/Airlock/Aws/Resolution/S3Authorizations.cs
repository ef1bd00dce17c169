using System.Xml;

namespace Airlock.Aws.Resolution;

/// <summary>
/// An S3 call as IAM authorizes it: <c>s3:GetObject</c> on the source of CopyObject and UploadPartCopy besides
/// <c>s3:PutObject</c> on the destination; DeleteObjects as <c>s3:DeleteObject</c> on every key it deletes (not on the
/// bucket), and <c>s3:DeleteObjectVersion</c> besides on each key it names a version of. Null when the call cannot be
/// read for it.
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
                if (!parameters.TryGetValue("Bucket", out var bucket) || Objects(request.Body) is not { Count: > 0 } objects)
                {
                    return null;
                }

                string Arn(DeletedObject deleted) => $"arn:aws:s3:::{bucket}/{deleted.Key}";
                // A version deleted is gone for good, which IAM keeps apart as s3:DeleteObjectVersion (DeleteObject with
                // a VersionId is authorized as that alone). Here each key needs s3:DeleteObject too: stricter than IAM
                // for a delete of versions only, never looser.
                var versions = objects.Where(static o => o.Versioned).Select(Arn).Distinct().ToArray();
                return new CallNeeds(objects.Select(Arn).Distinct().ToArray(),
                    versions.Length == 0 ? [] : [new Authorization("s3:DeleteObjectVersion", "Write", versions, "the object versions deleted")]);
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

    /// <summary>A key a DeleteObjects body names, and whether its <c>Object</c> names a version of it.</summary>
    private readonly record struct DeletedObject(string Key, bool Versioned);

    /// <summary>
    /// The keys a DeleteObjects body names (<c>Delete/Object/Key</c>), each marked versioned when its <c>Object</c> has a
    /// <c>VersionId</c> (even an empty one), or null when it is not that.
    /// </summary>
    private static List<DeletedObject>? Objects(ReadOnlyMemory<byte>? body)
    {
        if (body is not { Length: > 0 } xml)
        {
            return null;
        }

        var keys = new List<DeletedObject>();
        var objectStart = 0;
        var versioned = false;
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
                    if (path is ["Delete", "Object"])
                    {
                        objectStart = keys.Count;
                        versioned = false;
                    }
                    else if (path is ["Delete", "Object", "VersionId"])
                    {
                        versioned = true;
                    }
                    else if (path is ["Delete", "Object", "Key"])
                    {
                        // Reads past the element's end: the loop goes on from the node after it.
                        keys.Add(new DeletedObject(reader.ReadElementContentAsString(), false));
                        path.RemoveAt(path.Count - 1);
                        continue;
                    }

                    if (reader.IsEmptyElement)
                    {
                        EndElement();
                    }
                }
                else if (reader.NodeType == XmlNodeType.EndElement)
                {
                    EndElement();
                }

                reader.Read();
            }

            return keys;

            void EndElement()
            {
                if (path is ["Delete", "Object"] && versioned)
                {
                    // The VersionId may come before or after the Key: the whole Object's keys are marked at its end.
                    for (var i = objectStart; i < keys.Count; i++)
                    {
                        keys[i] = keys[i] with { Versioned = true };
                    }
                }

                path.RemoveAt(path.Count - 1);
            }
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
