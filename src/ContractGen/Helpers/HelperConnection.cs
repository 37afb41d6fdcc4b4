using System.Diagnostics;
using System.Runtime.Versioning;
using ContractGen.Helpers;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContractGen;

/// <summary>
/// An application's connection to its private helper process (the XPC service model,
/// <see cref="ServiceContext.Application"/>): the helper is started on the first call, connected privately and
/// verified to be the process that was started; after a crash, calls in flight fail with
/// <see cref="ServiceInterruptedException"/>, <see cref="Interrupted"/> is raised, and the next call starts the helper
/// again (with exponential backoff) through the same proxy. A crash loop invalidates the connection
/// (<see cref="Invalidated"/>, <see cref="ServiceInvalidatedException"/>). An idle helper is told to exit.
/// </summary>
/// <remarks>Create one with <see cref="ServiceHelper.Create{TContract}(HelperOptions, ILoggerFactory?)"/>.</remarks>
[SupportedOSPlatform("linux")]
public abstract class HelperConnection : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Queue<long> _crashes = new();
    private readonly CancellationTokenSource _lifetime = new();
    private HelperSession? _session;
    private Task<HelperSession>? _launch;
    private long _relaunchNotBefore;
    private ServiceInvalidatedException? _invalidation;
    private bool _disposed;
    private int _launchCount;
    private int _rejectedPeers;

    private protected HelperConnection(ContractDescriptor contract, HelperOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Contract = contract;
        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ContractGen.Helper");
    }

    /// <summary>The helper's contract.</summary>
    public ContractDescriptor Contract { get; }

    /// <summary>The options the helper is started with; changes apply from the next launch.</summary>
    public HelperOptions Options { get; }

    private protected ILogger Logger { get; }

    /// <summary>Where the connection is in its life.</summary>
    public HelperState State
    {
        get
        {
            lock (_lock)
            {
                return _disposed ? HelperState.Disposed
                    : _invalidation is not null ? HelperState.Invalidated
                    : _session is not null ? HelperState.Running
                    : _launch is not null ? HelperState.Launching
                    : HelperState.NotRunning;
            }
        }
    }

    /// <summary>The running helper's process id, or <see langword="null"/> when none runs.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _session?.ProcessId;
            }
        }
    }

    /// <summary>The kernel's word on the running helper (pid, uid, gid when it connected), or <see langword="null"/> when none runs.</summary>
    public PeerCredentials? HelperCredentials
    {
        get
        {
            lock (_lock)
            {
                return _session?.Credentials;
            }
        }
    }

    /// <summary>How many helper processes this connection has started.</summary>
    public int LaunchCount => Volatile.Read(ref _launchCount);

    /// <summary>How many connections to the helper's private endpoint were refused because they did not come from the started helper.</summary>
    public int RejectedPeers => Volatile.Read(ref _rejectedPeers);

    /// <summary>Why the connection is invalid, or <see langword="null"/> while it is valid.</summary>
    public ServiceInvalidatedException? InvalidationError
    {
        get
        {
            lock (_lock)
            {
                return _invalidation;
            }
        }
    }

    /// <summary>A helper process was started, connected and verified.</summary>
    public event EventHandler<HelperLaunchedEventArgs>? Launched;

    /// <summary>
    /// The helper went away unexpectedly (crashed, exited, stopped answering); calls in flight failed with
    /// <see cref="ServiceInterruptedException"/>. The next call relaunches it. Raised on a thread-pool thread.
    /// </summary>
    public event EventHandler<HelperInterruptedEventArgs>? Interrupted;

    /// <summary>The connection became invalid for good (crash loop, helper cannot start, wrong contract). Raised once, on a thread-pool thread.</summary>
    public event EventHandler<HelperInvalidatedEventArgs>? Invalidated;

    /// <summary>A helper process ended, for any reason (crash, idle exit, dispose). Raised on a thread-pool thread.</summary>
    public event EventHandler<HelperExitedEventArgs>? Exited;

    /// <summary>Starts the helper now, if it does not run, instead of on the first call.</summary>
    /// <exception cref="ServiceInterruptedException">The helper failed to start; the next attempt waits for the relaunch delay.</exception>
    /// <exception cref="ServiceInvalidatedException">The connection is invalid.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var session = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        Release(session);
    }

    /// <summary>Connects a <see cref="ServiceConnection"/> of the contract over the verified transport (the handshake).</summary>
    private protected abstract Task<ServiceConnection> ConnectAsync(ServiceEndpoint endpoint, ServiceConnectionOptions options, CancellationToken cancellationToken);

    /// <summary>The session a call should use, started if needed; the call must <see cref="Release"/> it.</summary>
    internal async ValueTask<HelperSession> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task wait;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_invalidation is { } invalidation)
                {
                    throw Copy(invalidation);
                }

                if (_session is { } session)
                {
                    if (!session.IsClosed)
                    {
                        session.InFlight++;
                        return session;
                    }

                    // It has just crashed; once its end is processed, the loop starts the next helper.
                    wait = session.Ended;
                }
                else
                {
                    // One launch at a time, shared by every call that arrives meanwhile; it is not tied to any one
                    // caller's token, so a cancelled caller does not cancel the others' launch.
                    wait = _launch ??= Task.Run(LaunchAsync, CancellationToken.None);
                }
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a call's use of <paramref name="session"/>; the idle clock starts when no call is left.</summary>
    internal void Release(HelperSession session)
    {
        lock (_lock)
        {
            if (--session.InFlight == 0)
            {
                session.LastActivity = Stopwatch.GetTimestamp();
                session.IdleTimer?.Change(Options.IdleTimeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// What a call that failed with a connection error on <paramref name="session"/> throws: the helper is gone (or going),
    /// so the session ends; the call learns how, once the end has been classified and the events raised.
    /// </summary>
    internal async ValueTask<Exception> TranslateFailureAsync(HelperSession session, ServiceConnectionException failure, uint methodId)
    {
        lock (_lock)
        {
            if (session.Retirement == HelperExitReason.Disposed)
            {
                return failure;
            }
        }

        if (!session.IsClosed)
        {
            // The helper refused the call while its connection stays open (it announced it is stopping, or answered
            // nonsense): close it, so that the helper exits and the next call gets a fresh one.
            await session.Connection.DisposeAsync().ConfigureAwait(false);
        }

        var end = await session.Ended.ConfigureAwait(false);
        if (end.Invalidation is { } invalidation)
        {
            return Copy(invalidation);
        }

        var method = Contract.TryGetMethod(methodId, out var descriptor) ? descriptor.Name : $"method {methodId:x8}";
        return new ServiceInterruptedException(Contract.Name, session.ProcessId, end.ExitCode,
            $"The helper for '{Contract.Name}' (pid {session.ProcessId}) {end.Description} while '{method}' was in flight; the call may or may not have run. The next call starts the helper again.",
            failure);
    }

    private async Task<HelperSession> LaunchAsync()
    {
        int? processId = null;
        try
        {
            TimeSpan delay;
            lock (_lock)
            {
                delay = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _relaunchNotBefore);
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
            }

            var identity = HelperLauncher.ResolveIdentity(Options);
            var launched = await HelperLauncher.LaunchAsync(Options, identity, Contract.Name, Logger,
                process =>
                {
                    processId = process.Id;
                    Interlocked.Increment(ref _launchCount);
                },
                _ => Interlocked.Increment(ref _rejectedPeers),
                _lifetime.Token).ConfigureAwait(false);

            ServiceConnection connection;
            try
            {
                // The launcher already took only its own child as the peer; the connection checks that child's uid too.
                connection = await ConnectAsync(new PreconnectedEndpoint(launched.Transport, $"the private connection of helper pid {launched.Process.Id}"),
                    Options.Connection.ExpectingServer(identity.UserId), _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await launched.Transport.DisposeAsync().ConfigureAwait(false);
                var exitCode = await HelperLauncher.KillAndReapAsync(launched.Process).ConfigureAwait(false);
                launched.Process.Dispose();
                var exit = exitCode is { } code ? HelperLauncher.DescribeExit(code) : "an unknown status";
                if (ex is ContractMismatchException)
                {
                    throw new HelperLaunchException(
                        $"the program started by '{Options.FileName}' does not serve it: {ex.Message}", permanent: true, processId, exitCode, ex);
                }

                if (ex is ServiceConnectionException)
                {
                    throw new HelperLaunchException(
                        $"connected but did not complete the handshake ({ex.Message}); it ended with {exit}", permanent: false, processId, exitCode, ex);
                }

                throw;
            }

            var session = new HelperSession(launched.Process, connection, launched.Credentials);
            bool disposed;
            lock (_lock)
            {
                disposed = _disposed;
                if (disposed)
                {
                    session.Retirement = HelperExitReason.Disposed;
                }
                else
                {
                    _session = session;
                    if (Options.IdleTimeout != Timeout.InfiniteTimeSpan)
                    {
                        session.IdleTimer = TimeProvider.System.CreateTimer(
                            static state => ((Tuple<HelperConnection, HelperSession>)state!).Item1.OnIdleTimer(((Tuple<HelperConnection, HelperSession>)state).Item2),
                            Tuple.Create(this, session), Options.IdleTimeout, Timeout.InfiniteTimeSpan);
                    }
                }
            }

            _ = Task.Run(() => MonitorAsync(session), CancellationToken.None);
            if (disposed)
            {
                await session.Connection.DisposeAsync().ConfigureAwait(false);
                await session.Ended.ConfigureAwait(false);
                throw new ObjectDisposedException(GetType().Name);
            }

            Raise(Launched, new HelperLaunchedEventArgs(session.ProcessId, LaunchCount), nameof(Launched));
            return session;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException(GetType().Name);
        }
        catch (HelperLaunchException ex) when (ex.Permanent)
        {
            throw Invalidate(new ServiceInvalidatedException(Contract.Name,
                ex.InnerException is ContractMismatchException ? ServiceInvalidationReason.ContractMismatch : ServiceInvalidationReason.LaunchFailed,
                $"The helper for '{Contract.Name}' cannot be started, so the connection is invalid: {ex.Message}", ex.InnerException));
        }
        catch (HelperLaunchException ex)
        {
            var pid = ex.ProcessId ?? processId;
            var description = ex.Message;
            var end = OnCrash(pid, ex.ExitCode, HelperExitReason.Crashed, description);
            if (end.Invalidation is { } invalidation)
            {
                throw Copy(invalidation);
            }

            throw new ServiceInterruptedException(Contract.Name, pid, ex.ExitCode,
                $"The helper for '{Contract.Name}'{(pid is null ? "" : $" (pid {pid})")} {description}. The next call tries again after {end.RelaunchDelay}.",
                ex.InnerException);
        }
        finally
        {
            lock (_lock)
            {
                _launch = null;
            }
        }
    }

    /// <summary>Waits for the helper to exit or its connection to close, makes sure both have happened, then classifies the end.</summary>
    private async Task MonitorAsync(HelperSession session)
    {
        var exited = HelperLauncher.WhenExited(session.Process);
        await Task.WhenAny(exited, session.Connection.Completion).ConfigureAwait(false);
        var killed = false;
        if (!exited.IsCompleted
            && await Task.WhenAny(exited, Task.Delay(Options.ExitTimeout, CancellationToken.None)).ConfigureAwait(false) != exited)
        {
            // The connection closed but the helper lives on: it hangs, or ignores end-of-file.
            Logger.Killing(Contract.Name, session.ProcessId, Options.ExitTimeout);
            killed = true;
        }

        var closeReason = session.Connection.CloseReason;
        var exitCode = await HelperLauncher.KillAndReapAsync(session.Process).ConfigureAwait(false);

        // Calls in flight fail now, even if something other than the helper still held its end of the socket.
        await session.Connection.DisposeAsync().ConfigureAwait(false);

        HelperExitReason? retirement;
        ITimer? idleTimer;
        lock (_lock)
        {
            retirement = session.Retirement;
            if (_session == session)
            {
                _session = null;
            }

            idleTimer = session.IdleTimer;
            session.IdleTimer = null;
        }

        idleTimer?.Dispose();

        var exit = exitCode is { } code ? HelperLauncher.DescribeExit(code) : "an unknown status";
        HelperSessionEnd end;
        if (retirement is { } retired)
        {
            end = new HelperSessionEnd(retired, exitCode, $"exited with {exit}", null, TimeSpan.Zero);
            Logger.Retired(Contract.Name, session.ProcessId, retired, end.Description);
            Raise(Exited, new HelperExitedEventArgs(session.ProcessId, exitCode, retired, end.Description), nameof(Exited));
        }
        else
        {
            var unresponsive = killed || closeReason is ConnectionCloseReason.PeerUnresponsive or ConnectionCloseReason.ProtocolViolationByPeer;
            var description = unresponsive
                ? $"stopped answering ({closeReason}) and was killed ({exit})"
                : $"exited with {exit}";
            end = OnCrash(session.ProcessId, exitCode, unresponsive ? HelperExitReason.Unresponsive : HelperExitReason.Crashed, description);
        }

        session.Process.Dispose();
        session.SetEnded(end);
    }

    /// <summary>Counts a crash, decides between relaunching later and invalidating, logs it and raises the events.</summary>
    private HelperSessionEnd OnCrash(int? processId, int? exitCode, HelperExitReason reason, string description)
    {
        int crashes;
        TimeSpan delay;
        ServiceInvalidatedException? invalidation = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return new HelperSessionEnd(reason, exitCode, description, null, TimeSpan.Zero);
            }

            var now = Stopwatch.GetTimestamp();
            _crashes.Enqueue(now);
            while (_crashes.Count > 0 && Stopwatch.GetElapsedTime(_crashes.Peek(), now) > Options.CrashWindow)
            {
                _crashes.Dequeue();
            }

            crashes = _crashes.Count;
            delay = RelaunchDelay(crashes);
            _relaunchNotBefore = now + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            if (crashes >= Options.CrashLimit && _invalidation is null)
            {
                invalidation = new ServiceInvalidatedException(Contract.Name, ServiceInvalidationReason.CrashLoop,
                    $"The helper for '{Contract.Name}' crashed {crashes} times within {Options.CrashWindow} (the last time it {description}): a crash loop, so it is not started again (HelperOptions.CrashLimit = {Options.CrashLimit}). Fix the helper, then create a new connection.");
            }
        }

        if (processId is { } pid)
        {
            Raise(Exited, new HelperExitedEventArgs(pid, exitCode, reason, description), nameof(Exited));
        }

        if (invalidation is not null)
        {
            Invalidate(invalidation);
            return new HelperSessionEnd(reason, exitCode, description, invalidation, TimeSpan.Zero);
        }

        Logger.Interrupted(Contract.Name, processId, description, crashes, Options.CrashWindow, delay);
        Raise(Interrupted, new HelperInterruptedEventArgs(processId, exitCode, reason, description, crashes, delay), nameof(Interrupted));
        return new HelperSessionEnd(reason, exitCode, description, null, delay);
    }

    /// <summary>Exponential backoff: the initial delay after one crash in the window, doubled per further crash, capped.</summary>
    private TimeSpan RelaunchDelay(int crashes)
    {
        var factor = Math.Pow(2, Math.Min(crashes - 1, 30));
        var ticks = Math.Min(Options.InitialRelaunchDelay.Ticks * factor, Options.MaxRelaunchDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private ServiceInvalidatedException Invalidate(ServiceInvalidatedException invalidation)
    {
        lock (_lock)
        {
            if (_invalidation is not null || _disposed)
            {
                return Copy(_invalidation ?? invalidation);
            }

            _invalidation = invalidation;
        }

        Logger.Invalidated(Contract.Name, invalidation.Message);
        Raise(Invalidated, new HelperInvalidatedEventArgs(invalidation), nameof(Invalidated));
        return Copy(invalidation);
    }

    private void OnIdleTimer(HelperSession session)
    {
        lock (_lock)
        {
            if (_session != session || session.InFlight > 0 || session.Retirement is not null)
            {
                return;
            }

            var idle = Stopwatch.GetElapsedTime(session.LastActivity);
            if (idle < Options.IdleTimeout)
            {
                session.IdleTimer?.Change(Options.IdleTimeout - idle, Timeout.InfiniteTimeSpan);
                return;
            }

            // Decided under the lock that calls take: no call can pick this session up any more.
            session.Retirement = HelperExitReason.Idle;
            _session = null;
        }

        Logger.Idle(Contract.Name, Options.IdleTimeout);

        // The helper reads end-of-file and exits; the monitor reaps it and reports the exit.
        _ = session.Connection.DisposeAsync().AsTask();
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args, string name)
        where TArgs : EventArgs
    {
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList().Cast<EventHandler<TArgs>>())
        {
            try
            {
                single(this, args);
            }
#pragma warning disable CA1031 // An application's handler must not break supervision of its helper.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Logger.HandlerFailed(name, ex);
            }
        }
    }

    private static ServiceInvalidatedException Copy(ServiceInvalidatedException invalidation)
        => new(invalidation.Contract, invalidation.InvalidationReason, invalidation.Message, invalidation.InnerException);

    /// <summary>
    /// Closes the connection to the helper (calls in flight fail with <see cref="ConnectionCloseReason.LocalDispose"/>),
    /// waits for the helper to exit (killing it after <see cref="HelperOptions.ExitTimeout"/>), and starts no other.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        HelperSession? session;
        Task? launch;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            session = _session;
            _session = null;
            if (session is not null)
            {
                session.Retirement = HelperExitReason.Disposed;
            }

            launch = _launch;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (launch is not null)
        {
            try
            {
                await launch.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or ServiceConnectionException)
            {
                // The launch was abandoned; the launcher killed what it had started.
            }
        }

        if (session is not null)
        {
            await session.Connection.DisposeAsync().ConfigureAwait(false);
            await session.Ended.ConfigureAwait(false);
        }

        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A private helper connection for the contract <typeparamref name="TContract"/>, with its proxy.</summary>
/// <typeparam name="TContract">The helper's contract interface.</typeparam>
[SupportedOSPlatform("linux")]
public sealed class HelperConnection<TContract> : HelperConnection
    where TContract : class
{
    internal HelperConnection(ContractDescriptor<TContract> contract, HelperOptions options, ILoggerFactory? loggerFactory)
        : base(contract, options, loggerFactory)
    {
        Proxy = contract.CreateProxy(new RoutedServiceConnection(contract, new HelperCallRouter(this)));
    }

    /// <summary>
    /// The generated proxy. The same object serves for the connection's whole life, across helper crashes and idle
    /// exits; safe to use from many threads at once.
    /// </summary>
    public TContract Proxy { get; }

    private protected override async Task<ServiceConnection> ConnectAsync(ServiceEndpoint endpoint, ServiceConnectionOptions options, CancellationToken cancellationToken)
        => await ServiceConnection.ConnectAsync<TContract>(endpoint, options, cancellationToken).ConfigureAwait(false);
}
