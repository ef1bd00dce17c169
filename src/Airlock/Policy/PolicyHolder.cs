using Airlock.Aws.Catalog;

namespace Airlock.Policy;

/// <summary>
/// The policy in force. Watches the configuration and policy files; a valid edit replaces the whole
/// compiled policy in one swap, an invalid one is logged and the last valid policy stays.
/// </summary>
internal sealed partial class PolicyHolder : IPolicyEvaluator, IDisposable
{
    private readonly string? _configPath;
    private readonly IReadOnlyList<string> _files;
    private readonly ServiceCatalog _catalog;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _debounce;
    private volatile CompiledPolicy _current;
    private volatile IReadOnlyCollection<string> _sources;

    public PolicyHolder(CompiledPolicy initial, string? configPath, IReadOnlyList<string> files, ServiceCatalog catalog, ILogger<PolicyHolder> logger)
    {
        _current = initial;
        _configPath = configPath;
        _files = files;
        _catalog = catalog;
        _logger = logger;
        _debounce = new Timer(_ => Reload());
        var baseDirectory = configPath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(configPath)!;
        var watched = files.Select(f => Path.GetFullPath(Path.Combine(baseDirectory, f))).Append(configPath).OfType<string>()
            .Select(Path.GetFullPath).Concat(initial.Sources).ToHashSet(StringComparer.Ordinal);
        _sources = watched;
        foreach (var directory in watched.Select(Path.GetDirectoryName).OfType<string>().Distinct().Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Renamed += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public CompiledPolicy Current => _current;

    /// <summary>Why the policy files were last rejected, while the policy before them stays in force; null once one loads.</summary>
    public string? LastReloadRejected { get; private set; }

    public PolicyDecision Evaluate(PolicyRequest request) => _current.Evaluate(request);

    /// <summary>Loads the policy again; returns the errors that kept the old one in force.</summary>
    public IReadOnlyList<string> Reload()
    {
        var (policy, errors, sources) = PolicyLoader.Load(_configPath, _files, _catalog);
        _sources = sources;
        if (policy is null)
        {
            LastReloadRejected = $"{errors.Count} errors";
            Log.ReloadRejected(_logger, errors.Count, string.Join(" | ", errors));
            return errors;
        }

        _current = policy;
        LastReloadRejected = null;
        Log.Reloaded(_logger, policy.Statements.Count);
        return [];
    }

    // Only the policy's own files count (not logs or data beside them), and editors write a file in
    // several steps: wait for them to settle before reading it.
    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (_sources.Contains(e.FullPath))
        {
            _debounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "policy reloaded: {Statements} statements in force")]
        public static partial void Reloaded(ILogger logger, int statements);

        [LoggerMessage(21, LogLevel.Warning, "policy edit rejected, the last valid policy stays in force; {Count} errors: {Errors}")]
        public static partial void ReloadRejected(ILogger logger, int count, string errors);
    }
}
