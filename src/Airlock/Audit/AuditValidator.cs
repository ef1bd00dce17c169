namespace Airlock.Audit;

/// <summary>Every error in the <c>audit</c> section, each with its place.</summary>
internal static class AuditValidator
{
    public static IEnumerable<string> Validate(AuditOptions options)
    {
        if (options.CheckpointEvery < 1 || options.CheckpointSeconds < 1)
        {
            yield return "audit.checkpointEvery and audit.checkpointSeconds: must be 1 or more.";
        }

        if (options.Witness.Url is { } witness && (!Uri.TryCreate(witness, UriKind.Absolute, out var witnessUri) || witnessUri.Scheme is not ("http" or "https")))
        {
            yield return $"audit.witness.url: '{witness}' is not an http(s) URL.";
        }

        if (options.QueueCapacity < 1 || options.BatchSize < 1)
        {
            yield return "audit.queueCapacity and audit.batchSize: must be 1 or more.";
        }

        if (options.RetentionDays is <= 0)
        {
            yield return "audit.retentionDays: must be more than 0 (leave it out to keep every record).";
        }
    }
}
