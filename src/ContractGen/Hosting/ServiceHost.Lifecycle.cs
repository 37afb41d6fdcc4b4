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
    private long _lastDisconnect;
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
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        OnStarted(description);
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

    /// <summary>Called once the accept loop runs: arms the idle timer and tells systemd the service is ready.</summary>
    private void OnStarted(string endpoint)
    {
        lock (_lifecycleLock)
        {
            _lastDisconnect = Environment.TickCount64;
            if (_idleTimeout != Timeout.InfiniteTimeSpan)
            {
                _idleTimer = new Timer(static state => ((ServiceHost)state!).OnIdleTimer(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (Options.SystemdNotify && SystemdNotifier.FromEnvironment() is { } notifier)
        {
            _notifier = notifier;
            Notify(SystemdNotifier.WithStatus(SystemdNotifier.Ready, $"Serving {string.Join(", ", _dispatchers.Keys)} on {endpoint}"));
            if (SystemdNotifier.WatchdogTimeout is { } timeout)
            {
                var interval = TimeSpan.FromTicks(Math.Max(timeout.Ticks / 2, TimeSpan.TicksPerMillisecond));
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
            // A client is connected (its departure re-arms the timer), or the host is already stopping.
            if (_idleTimer is null || Volatile.Read(ref _state) != 1 || !_connections.IsEmpty)
            {
                return;
            }

            var remaining = _idleTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastDisconnect);
            if (remaining > TimeSpan.Zero)
            {
                _idleTimer.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            _stoppingForIdle = true;
        }

        Logger.IdleExit(_idleTimeout);
        _ = StopForIdleAsync();
    }

    private async Task StopForIdleAsync()
    {
        try
        {
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
}
