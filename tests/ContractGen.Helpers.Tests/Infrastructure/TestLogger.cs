using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests.Infrastructure;

/// <summary>A logger factory that writes to the test's output and keeps every message for assertions.</summary>
internal sealed class TestLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _messages = new();
    private readonly ITestOutputHelper _output = output;

    public IReadOnlyList<(int EventId, string Message)> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner._messages.Enqueue((eventId.Id, message));
            try
            {
                owner._output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel} {category}[{eventId.Id}]: {message}{(exception is null ? "" : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
