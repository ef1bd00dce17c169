using Airlock.Upstream;

namespace Airlock.Pipeline;

/// <summary>What a front end supplies to the shared stages for one call: how to run it, and how to say no in its protocol.</summary>
internal interface IFrontEnd
{
    /// <summary>
    /// Builds (and signs) what will run, while the decision is made durable; nothing runs yet. Disposed by the pipeline.
    /// </summary>
    IExecution Prepare(Call call, ConnectionOptions connection, UpstreamCredentials credentials);

    /// <summary>Answers the caller with a refusal, in the front end's protocol; the pipeline has already recorded and logged it.</summary>
    Task RefuseAsync(Call call, Refusal refusal);
}

/// <summary>A call ready to run upstream.</summary>
internal interface IExecution : IDisposable
{
    /// <summary>Runs the call and answers the caller; called once, only after the call's decision is durable.</summary>
    Task<Executed> RunAsync(Call call);
}

/// <summary>How a call that ran ended, for its record.</summary>
/// <param name="Status">The upstream's status, if it answered.</param>
/// <param name="Failure">What went wrong, if anything (unreachable, body refused mid-stream, response withheld).</param>
internal sealed record Executed(int? Status, string? Failure)
{
    public IReadOnlyList<string> Masked { get; init; } = [];
    public byte[]? RecordedResponse { get; init; }
    public string? UpstreamRequestId { get; init; }
}
