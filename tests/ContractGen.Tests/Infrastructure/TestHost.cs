using System.Collections.Concurrent;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

namespace ContractGen.Tests;

/// <summary>Generous limits that only keep a broken test from hanging; no test asserts how long anything took.</summary>
internal static class Patience
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task WithPatience(this Task task) => task.WaitAsync(Timeout);

    public static Task<T> WithPatience<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task WithPatience(this ValueTask task) => task.AsTask().WaitAsync(Timeout);

    public static Task<T> WithPatience<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test if it never does.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
        }
    }

    /// <summary>Calls until the host's shutdown refuses a call (the notice travels asynchronously), and returns the refusal.</summary>
    public static async Task<ServiceConnectionException> RefusedCallAsync(IRuntimeService proxy)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            try
            {
                await proxy.AddAsync(1, 1).WaitAsync(timeout.Token);
            }
            catch (ServiceConnectionException ex)
            {
                return ex;
            }

            await Task.Delay(5, timeout.Token);
        }
    }

    /// <summary>Awaits a call that must fail with <typeparamref name="TException"/>.</summary>
    public static async Task<TException> ThrowsAsync<TException>(Func<Task> call)
        where TException : Exception
        => await Assert.ThrowsAsync<TException>(() => call().WaitAsync(Timeout));
}

/// <summary>A <see cref="ServiceHost"/> serving a fresh <see cref="RuntimeService"/>, with the clients a test opened.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly ConcurrentBag<IAsyncDisposable> _owned = [];

    private TestHost(ServiceHost host, ServiceEndpoint endpoint, RuntimeService service, TestLoggerFactory logs)
    {
        Host = host;
        Endpoint = endpoint;
        Service = service;
        Logs = logs;
    }

    public ServiceHost Host { get; }

    public ServiceEndpoint Endpoint { get; }

    public RuntimeService Service { get; }

    public TestLoggerFactory Logs { get; }

    /// <summary>Starts a host serving <see cref="IRuntimeService"/> (unless <paramref name="services"/> says otherwise).</summary>
    public static async Task<TestHost> StartAsync(
        Action<ServiceHostOptions>? configure = null,
        ServiceEndpoint? endpoint = null,
        Action<ServiceHost, RuntimeService>? services = null)
    {
        var options = new ServiceHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var logs = new TestLoggerFactory();
        var host = new ServiceHost(options, logs);
        var service = new RuntimeService();
        if (services is null)
        {
            host.AddService<IRuntimeService>(service);
        }
        else
        {
            services(host, service);
        }

        endpoint ??= new InMemoryEndpoint();
        await host.StartAsync(endpoint);
        return new TestHost(host, endpoint, service, logs);
    }

    public async Task<ServiceConnection<TContract>> ConnectAsync<TContract>(ServiceConnectionOptions? options = null)
        where TContract : class
    {
        var connection = await ServiceConnection.ConnectAsync<TContract>(Endpoint, options).WithPatience();
        _owned.Add(connection);
        return connection;
    }

    public Task<ServiceConnection<IRuntimeService>> ConnectAsync(ServiceConnectionOptions? options = null)
        => ConnectAsync<IRuntimeService>(options);

    public async Task<RawClient> ConnectRawAsync()
    {
        var client = new RawClient(await Endpoint.ConnectAsync(CancellationToken.None).AsTask().WithPatience());
        _owned.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        // Let anything a failed test left waiting finish, so that stopping the host does not wait for it.
        Service.Gate.TrySetResult();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await Host.DisposeAsync().AsTask().WithPatience();
    }
}

/// <summary>
/// An endpoint that keeps the service side of every connection, so a test can cut one as a crash would, and can
/// check that the host released each one.
/// </summary>
internal sealed class TrackingEndpoint(ServiceEndpoint inner) : ServiceEndpoint
{
    private readonly ConcurrentQueue<TrackedTransport> _accepted = new();

    public IReadOnlyCollection<TrackedTransport> Accepted => _accepted;

    public override async ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
        => new Listener(await inner.ListenAsync(cancellationToken), _accepted);

    public override ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public override string ToString() => "tracking:" + inner;

    private sealed class Listener(ITransportListener inner, ConcurrentQueue<TrackedTransport> accepted) : ITransportListener
    {
        public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
        {
            var transport = new TrackedTransport(await inner.AcceptAsync(cancellationToken));
            accepted.Enqueue(transport);
            return transport;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A service-side transport that records whether the host disposed it.</summary>
internal sealed class TrackedTransport(ITransport inner) : ITransport
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Disposed => _disposed.Task;

    public PeerCredentials? PeerCredentials => inner.PeerCredentials;

    public bool IsInProcess => inner.IsInProcess;

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReceiveAsync(buffer, cancellationToken);

    /// <summary>How many times the host has sent on this transport (each a system call on a socket).</summary>
    public int Sends => Volatile.Read(ref _sends);

    private int _sends;

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        return inner.SendAsync(data, cancellationToken);
    }

    public void Abort() => inner.Abort();

    public async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _disposed.TrySetResult();
    }
}

/// <summary>A directory under the temp directory for sockets, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        // Short: a Unix socket path must fit in 108 bytes.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cgt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public UnixSocketEndpoint Socket(string name = "s.sock") => new(System.IO.Path.Combine(Path, name));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records what the host logs, so tests can check that a misbehaving peer was reported.</summary>
internal sealed class TestLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, int EventId, string Message, Exception? Exception)> Entries => _entries;

    public bool Contains(int eventId, string text)
        => _entries.Any(e => e.EventId == eventId && e.Message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, int, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries.Enqueue((logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
