using ContractGen.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContractGen.Extensions.Hosting;

/// <summary>
/// Runs the application's <see cref="ServiceHost"/>: builds it from the registered contracts when the application
/// starts and stops it gracefully when the application stops. Registered by
/// <see cref="ContractGenServiceCollectionExtensions.AddContractGenHost"/>; resolve it to reach <see cref="Host"/>.
/// </summary>
public sealed partial class ContractGenHostedService : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly ServiceHostOptions _hostOptions;
    private readonly ContractGenHostOptions _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _stopLock = new();
    private readonly CancellationTokenSource _stopDeadline = new();
    private ServiceHost? _host;
    private Task? _stopping;
    private CancellationTokenRegistration _onApplicationStopping;
    private volatile bool _stopRequested;

    /// <summary>Created by dependency injection.</summary>
    public ContractGenHostedService(
        IServiceProvider services,
        IOptions<ServiceHostOptions> hostOptions,
        IOptions<ContractGenHostOptions> options,
        IHostApplicationLifetime? lifetime = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hostOptions);
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _hostOptions = hostOptions.Value;
        _options = options.Value;
        _lifetime = lifetime;
        _loggerFactory = loggerFactory;
        _logger = (ILogger?)loggerFactory?.CreateLogger("ContractGen.Extensions.Hosting") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The running host (its connection count, its <see cref="ServiceHost.Completion"/>).</summary>
    /// <exception cref="InvalidOperationException">The application has not started yet.</exception>
    public ServiceHost Host => _host ?? throw new InvalidOperationException("The ContractGen host is created when the application starts; it has not started yet.");

    /// <summary>Builds the host from the registered contracts and starts listening.</summary>
    /// <exception cref="InvalidOperationException">No contract was added with <c>AddService</c>.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var registrations = _services.GetServices<ContractGenServiceRegistration>().ToArray();
        if (registrations.Length == 0)
        {
            throw new InvalidOperationException("AddContractGenHost() was called but no contract was added: call .AddService<TContract, TImplementation>() on the builder it returns.");
        }

        // Set first: implementations resolved below may take the host in their constructor.
        var host = _host = new ServiceHost(_hostOptions, _loggerFactory);
        try
        {
            foreach (var registration in registrations)
            {
                registration.Register(host, _services);
            }

            var endpoint = _options.Endpoint ?? (_options.SocketPath is { Length: > 0 } path ? ServiceEndpoint.UnixSocket(path) : null);
            if (endpoint is not null)
            {
                await host.StartAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A host that never served must not be waited for when the application stops.
            _host = null;
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _ = StopApplicationWhenHostEndsAsync(host);

        // SIGTERM reaches the application as ApplicationStopping before any hosted service is stopped (and streams
        // may end on it): stop accepting right then, so that nobody connects to a host about to go.
        if (_lifetime is not null)
        {
            _onApplicationStopping = _lifetime.ApplicationStopping.Register(static state => ((ContractGenHostedService)state!).BeginStop(), this);
        }
    }

    /// <summary>
    /// Refuses new calls and lets calls in flight finish; when <paramref name="cancellationToken"/> fires (the
    /// application's shutdown timeout) or <see cref="ServiceHostOptions.ShutdownTimeout"/> passes, cancels what is left.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is null)
        {
            return;
        }

        // The stop may have begun already (ApplicationStopping); this token still bounds it.
        using var deadline = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _stopDeadline);
        await BeginStop().ConfigureAwait(false);
    }

    /// <summary>Stops the host if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopRequested = true;
        await _onApplicationStopping.DisposeAsync().ConfigureAwait(false);
        if (_host is { } host)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        _stopDeadline.Dispose();
    }

    /// <summary>Starts the host's graceful stop once, whichever of ApplicationStopping and StopAsync comes first.</summary>
    private Task BeginStop()
    {
        lock (_stopLock)
        {
            _stopRequested = true;
            return _stopping ??= _host!.StopAsync(_stopDeadline.Token);
        }
    }

    /// <summary>A host that stops by itself (idle exit) takes the application with it, as an on-demand daemon should.</summary>
    private async Task StopApplicationWhenHostEndsAsync(ServiceHost host)
    {
        await host.Completion.ConfigureAwait(false);
        if (!_stopRequested && _options.StopApplicationWhenIdle && _lifetime is not null)
        {
            LogHostEnded(_logger);
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "The ContractGen host stopped by itself; stopping the application")]
    private static partial void LogHostEnded(ILogger logger);
}
