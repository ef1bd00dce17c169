using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Airlock.Hosting;

/// <summary>
/// The console logger with the framework's own formatters (<c>simple</c> or <c>json</c>, with their options), whose
/// lines go out through a <see cref="BatchedConsoleWriter"/> instead of one write per line.
/// </summary>
[ProviderAlias("Console")]
internal sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConsoleFormatter _formatter;
    private readonly BatchedConsoleWriter _writer;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public BatchedConsoleLoggerProvider(IEnumerable<ConsoleFormatter> formatters, Microsoft.Extensions.Options.IOptions<ConsoleLoggerOptions> options)
    {
        var name = options.Value.FormatterName ?? ConsoleFormatterNames.Simple;
        _formatter = formatters.FirstOrDefault(f => f.Name == name)
            ?? throw new InvalidOperationException($"No console log formatter is named {name}.");
        _writer = new BatchedConsoleWriter(Console.OpenStandardOutput());
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// Replaces the framework's console logger provider, once <c>AddSimpleConsole</c> or <c>AddJsonConsole</c> has
    /// registered the formatter and its options.
    /// </summary>
    public static void ReplaceFrameworkProvider(ILoggingBuilder logging)
    {
        var framework = logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        foreach (var descriptor in framework)
        {
            logging.Services.Remove(descriptor);
        }

        logging.Services.AddSingleton<ILoggerProvider, BatchedConsoleLoggerProvider>();
    }

    private sealed class Logger(string category, BatchedConsoleLoggerProvider provider) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? t_text;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = t_text ??= new StringWriter();
            provider._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, text);
            var built = text.GetStringBuilder();
            if (built.Length == 0)
            {
                return;
            }

            provider._writer.Append(built.ToString());
            built.Clear();
            if (built.Capacity > 4096)
            {
                built.Capacity = 1024;
            }
        }
    }
}
