using System.Globalization;
using ContractGen.Systemd;
using ContractGen.Transports;

namespace ContractGen;

// The host under a service manager: where it listens when no endpoint is given (systemd's socket, else the contract's
// well-known location), what it tells systemd, and stopping itself when idle.
public sealed partial class ServiceHost
{
    /// <summary>The variable units written by <c>contractgen units --idle-exit</c> set (seconds).</summary>
    internal const string IdleTimeoutVariable = "CONTRACTGEN_IDLE_TIMEOUT";

    // Read once and removed, so that programs this daemon starts do not inherit its idle policy.
    private static readonly Lazy<string?> s_idleTimeoutVariable = new(() =>
    {
        var value = Environment.GetEnvironmentVariable(IdleTimeoutVariable);
        Environment.SetEnvironmentVariable(IdleTimeoutVariable, null);
        return value;
    });

    private readonly Lock _lifecycleLock = new();
    private TimeSpan _idleTimeout = Timeout.InfiniteTimeSpan;
    private Timer? _idleTimer;
    private IdleGate? _idleGate;
    private long _lastDisconnect;
    private bool _checkingIdle;
    private bool _stoppingForIdle;
    private SystemdNotifier? _notifier;

    /// <summary>
    /// Starts serving where a service manager or the contract says: on the socket systemd passed (socket activation;
    /// the one whose <c>FileDescriptorName=</c> is a served contract's name, or the only unnamed one), otherwise on the
    /// well-known location of the first contract added (<see cref="ServiceEndpoint.ForContract{TContract}"/>:
    /// <c>/run/&lt;name&gt;/&lt;name&gt;.sock</c> for a system daemon, <c>$XDG_RUNTIME_DIR/&lt;name&gt;.sock</c> for a
    /// per-user agent), creating its directory when missing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// No service was added, the host has started, socket activation is malformed, or a per-user agent has no
    /// <c>$XDG_RUNTIME_DIR</c>.
    /// </exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_dispatchers.Count == 0)
        {
            throw new InvalidOperationException("Add at least one service with AddService before starting the host.");
        }

        return TakeSystemdListener() is { } listener
            ? StartAsync(listener, cancellationToken)
            : StartAsync(ServiceLocations.ForContract(_dispatchers.Values.First().Contract), cancellationToken);
    }

    /// <summary>
    /// Starts accepting clients on a listener that is already listening, such as one from
    /// <see cref="SystemdActivation.TryGetListener(string?)"/>. The host owns it from now on and disposes it when it stops.
    /// </summary>
    public Task StartAsync(ITransportListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        cancellationToken.ThrowIfCancellationRequested();
        if (_dispatchers.Count == 0)
        {
            throw new InvalidOperationException("Add at least one service with AddService before starting the host.");
        }

        ResolveIdleTimeout();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The host has already been started.");
        }

        _listener = listener;
        var description = listener.ToString() ?? listener.GetType().Name;
        Logger.Listening(description, DescribeContracts());
        OnStarted(description);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private ITransportListener? TakeSystemdListener()
    {
        if (!SystemdActivation.IsSocketActivated)
        {
            return null;
        }

        foreach (var dispatcher in _dispatchers.Values)
        {
            if (SystemdActivation.TryGetListener(dispatcher.Contract.Name) is { } named)
            {
                return named;
            }
        }

        // A socket unit without FileDescriptorName=: one socket, and it can only be ours.
        return SystemdActivation.SocketNames is [SystemdActivation.UnknownName] ? SystemdActivation.TryGetListener() : null;
    }

    /// <summary>Decides the idle timeout before the host starts, so a bad value fails the start, not a timer later.</summary>
    private void ResolveIdleTimeout()
    {
        if (Options.IdleTimeout is { } configured)
        {
            _idleTimeout = configured;
            return;
        }

        if (s_idleTimeoutVariable.Value is not { } text)
        {
            return;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > int.MaxValue / 1000)
        {
            throw new InvalidOperationException($"{IdleTimeoutVariable}='{text}' is not a positive number of seconds.");
        }

        _idleTimeout = TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Called once the listener listens, just before the accept loop starts: arms the idle timer and tells systemd the
    /// service is ready (clients that connect before the loop runs wait in the socket's backlog).
    /// </summary>
    private void OnStarted(string endpoint)
    {
        lock (_lifecycleLock)
        {
            _lastDisconnect = Environment.TickCount64;
            if (_idleTimeout != Timeout.InfiniteTimeSpan)
            {
                _listener = _idleGate = new IdleGate(_listener!);
                _idleTimer = new Timer(static state => ((ServiceHost)state!).OnIdleTimer(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (Options.SystemdNotify && SystemdNotifier.FromEnvironment() is { } notifier)
        {
            _notifier = notifier;
            Notify(SystemdNotifier.WithStatus(SystemdNotifier.Ready, $"Serving {string.Join(", ", _dispatchers.Keys)} on {endpoint}"));
            if (SystemdNotifier.WatchdogTimeout is { } timeout)
            {
                var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 2, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerDay));
                Logger.WatchdogStarted(interval, notifier.Address);
                _ = FeedWatchdogAsync(notifier, interval, _stopping.Token);
            }
        }
    }

    /// <summary>Called when a connection is added or removed: a host left without clients starts counting down.</summary>
    private void OnConnectionCountChanged()
    {
        lock (_lifecycleLock)
        {
            if (_idleTimer is not null && _connections.IsEmpty)
            {
                _lastDisconnect = Environment.TickCount64;
                _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnIdleTimer()
    {
        lock (_lifecycleLock)
        {
            // A client is connected (its departure re-arms the timer), the host is already stopping, or a check runs.
            if (_idleTimer is null || _checkingIdle || Volatile.Read(ref _state) != 1 || !_connections.IsEmpty)
            {
                return;
            }

            var remaining = _idleTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastDisconnect);
            if (remaining > TimeSpan.Zero)
            {
                _idleTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            _checkingIdle = true;
        }

        _ = StopIfStillIdleAsync();
    }

    /// <summary>
    /// Stops accepting, and only then decides: a client the accept loop took just before the pause is registered by
    /// now, and the host keeps serving it; otherwise the host stops, and clients that connect from now on wait in the
    /// socket (systemd's, under socket activation) for the next instance.
    /// </summary>
    private async Task StopIfStillIdleAsync()
    {
        try
        {
            // Before the accept loop has started (a tiny timeout), it parks as soon as it does.
            await _idleGate!.PauseAsync(Volatile.Read(ref _acceptLoop) ?? Task.Delay(Timeout.Infinite, _stopping.Token)).ConfigureAwait(false);
            lock (_lifecycleLock)
            {
                _checkingIdle = false;
                if (Volatile.Read(ref _state) != 1)
                {
                    return;
                }

                if (!_connections.IsEmpty)
                {
                    // Its departure re-arms the timer.
                    _idleGate.Resume();
                    return;
                }

                _stoppingForIdle = true;
            }

            Logger.IdleExit(_idleTimeout);
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Logger.IdleExitFailed(ex);
        }
    }

    /// <summary>Called when <see cref="StopAsync(CancellationToken)"/> begins.</summary>
    private void OnStopping()
    {
        bool idle;
        lock (_lifecycleLock)
        {
            _idleTimer?.Dispose();
            _idleTimer = null;
            idle = _stoppingForIdle;
        }

        Notify(SystemdNotifier.WithStatus(SystemdNotifier.Stopping, idle ? $"No client for {_idleTimeout}; exiting until the next one" : "Stopping"));
    }

    /// <summary>Called when the host has stopped.</summary>
    private void OnStopped()
    {
        _notifier?.Dispose();
    }

    private void Notify(string state)
    {
        if (_notifier is { } notifier && !notifier.TryNotify(state))
        {
            Logger.NotifyFailed(state, notifier.Address);
        }
    }

    private static async Task FeedWatchdogAsync(SystemdNotifier notifier, TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                // A missed ping is not fatal by itself: systemd acts only when a whole WatchdogSec= passes without one.
                notifier.TryNotify(SystemdNotifier.Watchdog);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Wraps the listener of a host with an idle timeout so that accepting can be paused: a pause cancels the pending
    /// accept and completes once the accept loop is parked, that is, once every connection accepted before it has
    /// been handed to the host. Connections that arrive meanwhile stay in the socket's backlog.
    /// </summary>
    private sealed class IdleGate(ITransportListener inner) : ITransportListener
    {
        private readonly Lock _lock = new();
        private CancellationTokenSource _pause = new();
        private TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                CancellationToken pause;
                lock (_lock)
                {
                    pause = _pause.Token;
                }

                if (!pause.IsCancellationRequested)
                {
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, pause);
                    try
                    {
                        return await inner.AcceptAsync(either.Token).ConfigureAwait(false);
                    }
                    catch (Exception) when (pause.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        // Paused while waiting: nothing was accepted; park below.
                    }
                }

                Task resume;
                lock (_lock)
                {
                    _parked.TrySetResult();
                    resume = _resume.Task;
                }

                await resume.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Pauses accepting; completes when the loop is parked, or has ended (<paramref name="acceptLoop"/>).</summary>
        public async Task PauseAsync(Task acceptLoop)
        {
            Task parked;
            lock (_lock)
            {
                parked = _parked.Task;
                _pause.Cancel();
            }

            await Task.WhenAny(parked, acceptLoop).ConfigureAwait(false);
        }

        public void Resume()
        {
            lock (_lock)
            {
                _pause.Dispose();
                _pause = new CancellationTokenSource();
                _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var resume = _resume;
                _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                resume.TrySetResult();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            lock (_lock)
            {
                _pause.Dispose();
            }
        }

        public override string? ToString() => inner.ToString();
    }
}
