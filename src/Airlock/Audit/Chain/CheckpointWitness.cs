using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airlock.Audit.Chain;

/// <summary>
/// Publishes each signed checkpoint outside the store — appended to a file (flushed to disk before the next batch),
/// POSTed to a URL (in the background, retried) — and reads a witness's checkpoints back for verification.
/// </summary>
internal sealed partial class CheckpointWitness(string? file, Uri? url, ILogger logger)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15)];
    private readonly Lock _file = new();
    private Task _posts = Task.CompletedTask;

    public static CheckpointWitness? From(AuditWitnessOptions options, string baseDirectory, ILogger? logger = null) => options.IsConfigured
        ? new CheckpointWitness(options.File is { } file ? Path.Combine(baseDirectory, file) : null, options.Url is { } url ? new Uri(url) : null,
            logger ?? NullLogger.Instance)
        : null;

    /// <summary>Publishes <paramref name="checkpoint"/>; a witness that fails is logged, never fails the audit writer.</summary>
    public void Publish(Checkpoint checkpoint)
    {
        if (file is not null)
        {
            try
            {
                var line = JsonSerializer.SerializeToUtf8Bytes(checkpoint, AuditJson.Default.Checkpoint);
                lock (_file)
                {
                    using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read);
                    stream.Write(line);
                    stream.WriteByte((byte)'\n');
                    stream.Flush(flushToDisk: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.WitnessFailed(logger, checkpoint.Seq, file, e.Message);
            }
        }

        if (url is not null)
        {
            lock (_file)
            {
                // One after another, so the witness receives checkpoints in order.
                _posts = PostAfterAsync(_posts, url, checkpoint);
            }
        }
    }

    /// <summary>Waits, within <paramref name="bound"/>, for the checkpoints still on their way to the URL (at stop).</summary>
    public async Task FlushAsync(TimeSpan bound)
    {
        Task posts;
        lock (_file)
        {
            posts = _posts;
        }

        await posts.WaitAsync(bound).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PostAfterAsync(Task previous, Uri endpoint, Checkpoint checkpoint)
    {
        await previous;
        await PostAsync(endpoint, checkpoint);
    }

    private async Task PostAsync(Uri endpoint, Checkpoint checkpoint)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await Http.PostAsJsonAsync(endpoint, checkpoint, AuditJson.Default.Checkpoint);
                response.EnsureSuccessStatusCode();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Log.WitnessFailed(logger, checkpoint.Seq, endpoint.ToString(), e.Message);
                if (attempt == Retries.Length)
                {
                    return;
                }

                await Task.Delay(Retries[attempt]);
            }
        }
    }

    /// <summary>The checkpoints a witness holds: a file of JSON lines, or an http(s) URL that answers with one.</summary>
    public static async Task<IReadOnlyList<Checkpoint>> ReadAsync(string source, CancellationToken cancellationToken)
    {
        var text = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? await Http.GetStringAsync(uri, cancellationToken)
            : await File.ReadAllTextAsync(source, cancellationToken);
        var checkpoints = new List<Checkpoint>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            checkpoints.Add(JsonSerializer.Deserialize(line, AuditJson.Default.Checkpoint)
                ?? throw new JsonException("a witness line is not a checkpoint"));
        }

        return checkpoints;
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "the audit witness {Witness} did not take the checkpoint at record {Seq}: {Reason}")]
        public static partial void WitnessFailed(ILogger logger, long seq, string witness, string reason);
    }
}
