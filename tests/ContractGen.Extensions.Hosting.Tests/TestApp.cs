using System.Collections.Concurrent;
using ContractGen.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>
/// A generic-host application in the test process serving <see cref="ITracked"/> through the Hosting integration on a
/// Unix socket in a private directory, configured the way an application would be: from configuration keys.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    /// <summary>Every wait is bounded by this: generous for a loaded machine, but never a hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _directory;

    private TestApp(IHost app, string directory, string socketPath)
    {
        App = app;
        _directory = directory;
        SocketPath = socketPath;
    }

    public IHost App { get; }

    public string SocketPath { get; }

    public InstanceTracker Tracker => App.Services.GetRequiredService<InstanceTracker>();

    public ServiceHost Host => App.Services.GetRequiredService<ContractGenHostedService>().Host;

    public CapturingLoggerProvider Logs => App.Services.GetRequiredService<CapturingLoggerProvider>();

    public static async Task<TestApp> StartAsync(
        ServiceLifetimeScope scope,
        IDictionary<string, string?>? settings = null,
        Action<ServiceHostOptions>? configure = null,
        TimeSpan? appShutdownTimeout = null)
    {
        var directory = Directory.CreateTempSubdirectory("cgx-").FullName;
        var socket = Path.Combine(directory, "tracked.sock");
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ContractGen:SocketPath"] = socket });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new CapturingLoggerProvider();
        builder.Services.AddSingleton(logs);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<InstanceTracker>();
        builder.Services.AddScoped<ScopedDependency>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = appShutdownTimeout ?? TimeSpan.FromSeconds(30));
        builder.Services.AddContractGenHost(configure).AddService<ITracked, TrackedService>(scope);

        var app = builder.Build();
        try
        {
            await app.StartAsync().WaitAsync(Patience);
        }
        catch
        {
            app.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }

        return new TestApp(app, directory, socket);
    }

    public Task<ServiceConnection<ITracked>> ConnectAsync()
        => ServiceConnection.ConnectAsync<ITracked>(ServiceEndpoint.UnixSocket(SocketPath));

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().WaitAsync(Patience);
        App.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Keeps every log message, to check that the host logs through the application's logging.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _messages = new();

    public IReadOnlyList<(string Category, string Message)> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner._messages.Enqueue((category, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
    }
}
