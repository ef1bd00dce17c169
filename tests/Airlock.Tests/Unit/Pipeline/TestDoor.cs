using System.Collections.Concurrent;
using Airlock.Aws.Catalog;
using Airlock.Pipeline;
using Airlock.Policy;
using Airlock.Upstream;

namespace Airlock.Tests.Unit.Pipeline;

/// <summary>
/// A second front end, for tests only: its "protocol" is one line of text (<c>s3:ListObjectsV2 arn:aws:s3:::reports</c>),
/// its answers are text, and its executor runs nothing but writes down what it was given. It reuses the shared stages
/// as they are, as an MCP or PostgreSQL front end will: the adapter turns its request into a <see cref="Call"/>, and
/// <see cref="IFrontEnd"/> says how to run it and how to refuse it.
/// </summary>
internal sealed class TestDoor(PipelineKit kit)
{
    public ConcurrentQueue<string> Ran { get; } = new();

    /// <summary>What the executor reports masked in the answer, as an AWS front end's masking would.</summary>
    public IReadOnlyList<string> MaskedByExecutor { get; init; } = [];

    /// <summary>Takes one call and answers it: <c>ok 200</c>, or <c>refused KIND: message</c>.</summary>
    public async Task<string> CallAsync(string line, Airlock.Identity.Session session, CancellationToken cancellationToken = default)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (action, resources) = (parts[0], parts.Skip(1).DefaultIfEmpty("*").ToArray());
        var call = new Call("test-door", new CallOrigin("127.0.0.1", "TEXT", line, null, "test-door"), cancellationToken)
        {
            Protocol = "text",
            Session = session,
            AccessKeyId = session.AccessKeyId,
            Service = action[..action.IndexOf(':')],
            Operation = action[(action.IndexOf(':') + 1)..],
            Action = action,
            Resources = resources,
            Region = "us-east-1",
        };
        var (iamAction, accessLevel) = ServiceCatalog.Default.Authorization(action);
        var request = new PolicyRequest(session.Subject, session.Groups, session.Connection, action, resources)
        {
            IamAction = iamAction,
            AccessLevel = accessLevel,
            Issuer = session.Issuer,
            Region = "us-east-1",
            Time = TimeProvider.System.GetUtcNow(),
        };
        var answer = new Answer(this, kit.Recorder);
        var executed = await kit.Pipeline.RunAsync(call, request, [], call.Parameters, answer);
        return executed is null ? answer.Text : $"ok {executed.Status}";
    }

    private sealed class Answer(TestDoor door, CallRecorder recorder) : IFrontEnd
    {
        public string Text { get; private set; } = "no answer";

        public IExecution Prepare(Call call, ConnectionOptions connection, UpstreamCredentials credentials) =>
            new Execution(door, $"{call.Action} on {connection.Name} as {credentials.AccessKeyId}");

        public async Task RefuseAsync(Call call, Refusal refusal)
        {
            if (refusal.Recorded)
            {
                await recorder.RecordRefusalAsync(call, refusal.Decision, $"{refusal.Kind}: {refusal.Message}");
            }

            Text = $"refused {refusal.Kind}: {refusal.Message}";
        }
    }

    private sealed class Execution(TestDoor door, string what) : IExecution
    {
        public Task<Executed> RunAsync(Call call)
        {
            door.Ran.Enqueue(what);
            return Task.FromResult(new Executed(200, null) { Masked = door.MaskedByExecutor });
        }

        public void Dispose()
        {
        }
    }
}
