namespace Airlock.Aws.Resolution;

/// <summary>
/// The permissions an S3 call's headers ask for beside the call's own action, as IAM requires them: an ACL, tags, a
/// retention or a legal hold set on the object a call writes; a bucket ACL, Object Lock or an ownership setting on the
/// bucket CreateBucket makes; a governance-mode lock bypassed. Without them an agent allowed <c>s3:PutObject</c> would
/// publish an object (<c>x-amz-acl: public-read</c>) or lock it for years (<c>x-amz-object-lock-mode: COMPLIANCE</c>)
/// where a Deny on <c>s3:PutObjectAcl</c> or <c>s3:PutObjectRetention</c> was meant to stop it.
/// </summary>
internal static class S3HeaderAuthorizations
{
    /// <summary>
    /// Canned ACLs that give no one but the object's writer and the bucket's owner anything: the default, and the two
    /// that buckets shared across accounts ask writers to send. Any other ACL, or any grant header, needs s3:PutObjectAcl.
    /// </summary>
    private static readonly string[] ObjectOwnersOnly = ["private", "bucket-owner-read", "bucket-owner-full-control"];

    // As IAM has it for CreateBucket: only a private ACL needs nothing more.
    private static readonly string[] BucketOwnersOnly = ["private"];

    private static readonly string[] ObjectGrants = ["GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP"];
    private static readonly string[] BucketGrants = [.. ObjectGrants, "GrantWrite"];

    /// <summary>The IAM actions no operation is authorized as that Airlock asks for beside the calls that need them.</summary>
    public static readonly IReadOnlySet<string> AskedBesideCalls = new HashSet<string>(["s3:BypassGovernanceRetention"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<Authorization> For(string operation, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> resources)
    {
        List<Authorization>? needs = null;
        switch (operation)
        {
            case "PutObject" or "CopyObject" or "CreateMultipartUpload":
                if (SetsAcl(parameters, ObjectGrants, ObjectOwnersOnly))
                {
                    (needs ??= []).Add(new("s3:PutObjectAcl", "Permissions management, Write", resources, "the object ACL it sets"));
                }

                if (Sent(parameters, "Tagging"))
                {
                    (needs ??= []).Add(new("s3:PutObjectTagging", "Tagging, Write", resources, "the object tags it sets"));
                }

                if (Sent(parameters, "ObjectLockMode") || Sent(parameters, "ObjectLockRetainUntilDate"))
                {
                    (needs ??= []).Add(new("s3:PutObjectRetention", "Write", resources, "the retention it places on the object"));
                }

                if (Sent(parameters, "ObjectLockLegalHoldStatus"))
                {
                    (needs ??= []).Add(new("s3:PutObjectLegalHold", "Write", resources, "the legal hold it places on the object"));
                }

                break;
            case "CreateBucket":
                if (SetsAcl(parameters, BucketGrants, BucketOwnersOnly))
                {
                    (needs ??= []).Add(new("s3:PutBucketAcl", "Permissions management, Write", resources, "the bucket ACL it sets"));
                }

                if (parameters.TryGetValue("ObjectLockEnabledForBucket", out var locked) && !IsFalse(locked))
                {
                    (needs ??= []).Add(new("s3:PutBucketObjectLockConfiguration", "Write", resources, "the Object Lock it turns on"));
                    (needs ??= []).Add(new("s3:PutBucketVersioning", "Write", resources, "the versioning Object Lock turns on"));
                }

                if (Sent(parameters, "ObjectOwnership"))
                {
                    (needs ??= []).Add(new("s3:PutBucketOwnershipControls", "Permissions management, Write", resources, "the object ownership it sets"));
                }

                break;
        }

        if (parameters.TryGetValue("BypassGovernanceRetention", out var bypass) && !IsFalse(bypass))
        {
            (needs ??= []).Add(new("s3:BypassGovernanceRetention", "Permissions management", resources, "the governance-mode retention it bypasses"));
        }

        return needs ?? (IReadOnlyList<Authorization>)[];
    }

    private static bool SetsAcl(IReadOnlyDictionary<string, string> parameters, string[] grants, string[] ownersOnly) =>
        (parameters.TryGetValue("ACL", out var acl) && !ownersOnly.Contains(acl.Trim(), StringComparer.Ordinal))
        || grants.Any(grant => Sent(parameters, grant));

    // Even empty: what S3 makes of an empty header is not Airlock's to guess.
    private static bool Sent(IReadOnlyDictionary<string, string> parameters, string name) => parameters.ContainsKey(name);

    private static bool IsFalse(string value) => value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase);
}
