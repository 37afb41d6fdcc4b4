using System.Collections.Concurrent;
using ContractGen.Protocol;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContractGen;

/// <summary>
/// Serves one or more contracts on an endpoint: accepts connections, runs each call through its generated
/// dispatcher, and shuts down gracefully.
/// </summary>
/// <example>
/// <code>
/// await using var host = new ServiceHost(new ServiceHostOptions(), loggerFactory);
/// host.AddService&lt;IClock&gt;(new Clock());
/// await host.StartAsync(ServiceEndpoint.UnixSocket("/run/clock/clock.sock"));
/// await host.Completion; // until StopAsync
/// </code>
/// </example>
public sealed partial class ServiceHost : IAsyncDisposable
{
    private const int MaxPooledCalls = 1024;

    private readonly Dictionary<string, ServiceDispatcher> _dispatchers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly ConcurrentQueue<ServerCall> _callPool = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _draining = new();

    // Per-connection instances still being released for connections that closed while the host ran (a call may
    // outlive its client); a stop waits for them as for the rest.
    private readonly ConcurrentDictionary<long, Task> _releasing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly UserAccounting _accounting = new();
    private int _refusing;
    private ITransportListener? _listener;
    private Task? _acceptLoop;
    private long _nextConnectionId;
    private int _pooledCalls;
    private int _state; // 0 created, 1 started, 2 stopping, 3 stopped

    /// <summary>Creates a host.</summary>
    /// <param name="options">Limits and timeouts; defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the host logs connections, refused handshakes, failed calls and misbehaving peers.</param>
    public ServiceHost(ServiceHostOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new ServiceHostOptions();
        Options.Validate();
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ContractGen.ServiceHost");
    }

    /// <summary>The host's settings.</summary>
    public ServiceHostOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>How many client connections are open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// How many client users the host is counting against their quotas now: those with a connection open or a call
    /// running. Users with <see cref="UserQuota.Unlimited"/> are not counted. The table forgets a user as soon as it
    /// holds nothing, so this never exceeds the users actually present.
    /// </summary>
    public int CountedUserCount => _accounting.Count;

    /// <summary>What <paramref name="userId"/> holds in this host now, or <see langword="null"/> when it holds nothing (or is not counted).</summary>
    public UserUsage? GetUserUsage(uint userId)
        => _accounting.Find(userId) is { } account ? new UserUsage(account.Connections, account.CallsInFlight, account.QueuedBytes) : null;

    /// <summary>Completes when the host has stopped.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Cancelled once a stop has begun, the host refuses new connections and calls, and its clients have been told:
    /// the host now waits for the calls in flight. A call that could go on for a long time, such as a stream that
    /// follows events, should end when this fires, so that the stop does not wait for
    /// <see cref="ServiceHostOptions.ShutdownTimeout"/>; its client sees the stream end normally, and cannot reconnect
    /// to this host any more.
    /// </summary>
    public CancellationToken Draining => _draining.Token;

    /// <summary>Serves <typeparamref name="TContract"/> with <paramref name="implementation"/> (one instance for every call).</summary>
    /// <exception cref="InvalidOperationException">The host has started, or already serves a contract with the same name.</exception>
    public ServiceHost AddService<TContract>(TContract implementation)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return AddDispatcher(ContractRegistry.Get<TContract>().CreateDispatcher(implementation));
    }

    /// <summary>
    /// Serves <typeparamref name="TContract"/> with instances that <paramref name="activator"/> creates for each
    /// connection or each call, and releases when that connection or call is done (for example, from a
    /// dependency-injection scope).
    /// </summary>
    /// <param name="activator">Creates an instance; called once per accepted connection or once per call.</param>
    /// <param name="scope"><see cref="ServiceLifetimeScope.PerConnection"/> or <see cref="ServiceLifetimeScope.PerCall"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scope"/> is <see cref="ServiceLifetimeScope.Singleton"/> (pass the instance instead) or unknown.</exception>
    /// <exception cref="InvalidOperationException">The host has started, or already serves a contract with the same name.</exception>
    public ServiceHost AddService<TContract>(ServiceActivator<TContract> activator, ServiceLifetimeScope scope)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(activator);
        var descriptor = ContractRegistry.Get<TContract>();
        return AddDispatcher(scope switch
        {
            ServiceLifetimeScope.PerConnection => new PerConnectionDispatcher<TContract>(descriptor, activator),
            ServiceLifetimeScope.PerCall => new PerCallDispatcher<TContract>(descriptor, activator),
            _ => throw new ArgumentOutOfRangeException(nameof(scope), scope,
                "An activator serves PerConnection or PerCall; for a singleton, pass the instance to AddService(implementation)."),
        });
    }

    /// <summary>Serves a contract through a dispatcher created by generated code.</summary>
    public ServiceHost AddDispatcher(ServiceDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        if (Volatile.Read(ref _state) != 0)
        {
            throw new InvalidOperationException("Services must be added before the host starts.");
        }

        if (!_dispatchers.TryAdd(dispatcher.Contract.Name, dispatcher))
        {
            throw new InvalidOperationException($"The host already serves a contract named '{dispatcher.Contract.Name}'.");
        }

        return this;
    }

    /// <summary>Starts listening on <paramref name="endpoint"/> and accepting clients.</summary>
    public async Task StartAsync(ServiceEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_dispatchers.Count == 0)
        {
            throw new InvalidOperationException("Add at least one service with AddService before starting the host.");
        }

        ResolveIdleTimeout();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The host has already been started.");
        }

        _listener = endpoint is Transports.UnixSocketEndpoint { Permissions: null } unix
            ? await unix.ListenAsync(DefaultSocketPermissions(), cancellationToken).ConfigureAwait(false)
            : await endpoint.ListenAsync(cancellationToken).ConfigureAwait(false);
        Logger.Listening(endpoint.ToString() ?? string.Empty, DescribeContracts());
        OnStarted(endpoint.ToString() ?? string.Empty);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
    }

    /// <summary>
    /// Stops accepting clients, tells connected clients the host is stopping, lets calls in flight finish within
    /// <see cref="ServiceHostOptions.ShutdownTimeout"/> (or until <paramref name="cancellationToken"/> fires), then
    /// cancels what is left and closes every connection.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            OnStopping();
            await _stopping.CancelAsync().ConfigureAwait(false);
            if (_listener is not null)
            {
                await _listener.DisposeAsync().ConfigureAwait(false);
            }

            if (_acceptLoop is not null)
            {
                await _acceptLoop.ConfigureAwait(false);
            }

            var connections = _connections.Values.ToArray();
            await Task.WhenAll(connections.Select(c => c.BeginShutdownAsync().AsTask())).ConfigureAwait(false);
            try
            {
                await _draining.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A service's callback must not stop the drain.
                Logger.DrainingCallbackFailed(ex);
            }

            var drained = Task.WhenAll(connections.Select(c => c.Drained));
            try
            {
                await drained.WaitAsync(Options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                Logger.ShutdownTimedOut(connections.Length);
                foreach (var connection in connections)
                {
                    connection.CancelAllCalls();
                }

                // Give cancelled calls a moment to send their answers before the connections close under them.
                await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            }

            // Every connection open when the stop began, including those that closed during the grace period:
            // OnConnectionClosed leaves their disposal to this loop once the host is stopping.
            foreach (var connection in connections)
            {
                await connection.Channel.CloseAsync(ConnectionCloseReason.HostShuttingDown, "the host stopped").ConfigureAwait(false);
                await connection.Channel.DisposeAsync().ConfigureAwait(false);
            }

            // Per-connection instances are released once their connection closed and its calls finished: the host
            // is stopped when they are, so that an application disposes its services after this host is done with them.
            try
            {
                await Task.WhenAll(connections.Select(c => c.Released).Concat(_releasing.Values)).WaitAsync(Options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                Logger.ReleaseTimedOut();
            }
        }
        finally
        {
            Volatile.Write(ref _state, 3);
            Logger.Stopped();
            OnStopped();
            _completion.TrySetResult();
        }
    }

    /// <summary>Stops the host (see <see cref="StopAsync(CancellationToken)"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 0)
        {
            Volatile.Write(ref _state, 3);
            _completion.TrySetResult();
        }
        else
        {
            await StopAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _draining.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            ITransport transport;
            try
            {
                transport = await _listener!.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // One failed accept (for example, out of file descriptors) must not end the service.
                Logger.AcceptFailed(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (_connections.Count >= Options.MaxConnections)
            {
                Logger.ConnectionRefused(Options.MaxConnections, transport.PeerCredentials?.ProcessId, transport.PeerCredentials?.UserId);
                await transport.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            // The user's own connection quota, from the kernel's word on the peer, before any handshake work.
            UserAccount? account = null;
            if (transport.PeerCredentials is { } peer && QuotaFor(peer.UserId) is { IsUnlimited: false } quota
                && !_accounting.TryOpenConnection(peer.UserId, quota, out account))
            {
                if (account.ShouldLogRefusal(out var unlogged))
                {
                    Logger.ConnectionQuotaExceeded(peer.ProcessId, peer.UserId, Quota.ConnectionsPerUser, quota.MaxConnections, unlogged);
                }

                RefuseForQuota(transport, Quota.ConnectionsPerUser,
                    $"uid {peer.UserId} has {account.Connections} connections open; the limit is {quota.MaxConnections}");
                continue;
            }

            var connection = new ServerConnection(this, transport, Interlocked.Increment(ref _nextConnectionId), account);
            _connections[connection.Id] = connection;
            OnConnectionCountChanged();
            connection.Start();
        }
    }

    /// <summary>The quota of a client user: its own entry, else root's or the service user's, else the default.</summary>
    private UserQuota QuotaFor(uint userId)
        => Options.UserQuotas.TryGetValue(userId, out var own) ? own
            : userId == 0 ? Options.RootUserQuota
            : userId == Security.UnixAccounts.CurrentUserId ? Options.ServiceUserQuota
            : Options.DefaultUserQuota;

    // Refused connections wait this long at most for the client's handshake before they close (see RefuseForQuota).
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(1);

    // More refusals than this lingering at once are closed without waiting, so refusing costs bounded descriptors.
    private const int MaxLingeringRefusals = 64;

    /// <summary>
    /// Tells a refused client why (GoAway QuotaExceeded, the quota in the call-id field), then closes. The connection
    /// stays open until the client's handshake has arrived (or briefly), because closing a socket whose peer then
    /// writes makes that write fail, and the client would see a broken pipe instead of the reason.
    /// </summary>
    private void RefuseForQuota(ITransport transport, Quota quota, string detail)
    {
        if (Interlocked.Increment(ref _refusing) > MaxLingeringRefusals)
        {
            Interlocked.Decrement(ref _refusing);
            _ = transport.DisposeAsync().AsTask();
            return;
        }

        var refusal = new QuotaRefusal(transport, () => Interlocked.Decrement(ref _refusing));
        refusal.Start(quota, detail, RefusalLinger);
    }

    /// <summary>Anyone may connect only when every contract served is a system daemon's; anything else is private to this user.</summary>
    private UnixFileMode DefaultSocketPermissions()
        => _dispatchers.Values.All(d => d.Contract.Context == ServiceContext.System)
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite
            : UnixFileMode.UserRead | UnixFileMode.UserWrite;

    internal bool TryGetDispatcher(string contractName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServiceDispatcher? dispatcher)
        => _dispatchers.TryGetValue(contractName, out dispatcher);

    internal string DescribeContracts()
        => string.Join(", ", _dispatchers.Values.Select(d => $"'{d.Contract.Name}' (fingerprint {d.Contract.Fingerprint:x16})"));

    internal void OnConnectionClosed(ServerConnection connection)
    {
        if (_connections.TryRemove(connection.Id, out _) && Volatile.Read(ref _state) == 1)
        {
            _ = connection.Channel.DisposeAsync().AsTask();
            OnConnectionCountChanged();
            if (connection.Released is { IsCompleted: false } released)
            {
                var id = connection.Id;
                _releasing[id] = released;
                _ = released.ContinueWith(_ => _releasing.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    internal ServerCall RentCall()
    {
        if (_callPool.TryDequeue(out var call))
        {
            Interlocked.Decrement(ref _pooledCalls);
            return call;
        }

        return new ServerCall();
    }

    internal void ReturnCall(ServerCall call)
    {
        if (Interlocked.Increment(ref _pooledCalls) <= MaxPooledCalls)
        {
            _callPool.Enqueue(call);
        }
        else
        {
            Interlocked.Decrement(ref _pooledCalls);
        }
    }
}
