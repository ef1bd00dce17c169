namespace Airlock.Aws.Resolution;

/// <summary>A resolved operation, or why the call could not be understood (and so must be refused).</summary>
internal readonly record struct ResolveResult(ResolvedOperation? Operation, string? Error)
{
    public static ResolveResult Ok(ResolvedOperation operation) => new(operation, null);

    public static ResolveResult Fail(string error) => new(null, error);
}
