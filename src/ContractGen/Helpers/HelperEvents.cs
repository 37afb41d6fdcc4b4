namespace ContractGen;

/// <summary>Where a helper connection is in its life.</summary>
public enum HelperState
{
    /// <summary>No helper process runs; the next call starts one (after the relaunch delay, following a crash).</summary>
    NotRunning = 0,

    /// <summary>A helper process is being started and connected.</summary>
    Launching = 1,

    /// <summary>A verified helper process is connected and serves calls.</summary>
    Running = 2,

    /// <summary>The connection is invalid for good (<see cref="ServiceInvalidatedException"/>); no helper will be started again.</summary>
    Invalidated = 3,

    /// <summary>The connection was disposed.</summary>
    Disposed = 4,
}

/// <summary>Why a helper process ended.</summary>
public enum HelperExitReason
{
    /// <summary>It crashed or exited on its own (including before it connected).</summary>
    Crashed = 1,

    /// <summary>It stopped answering (keepalive) or broke the protocol, and was killed.</summary>
    Unresponsive = 2,

    /// <summary>It had no call in flight for <see cref="HelperOptions.IdleTimeout"/> and was told to exit.</summary>
    Idle = 3,

    /// <summary>The application disposed the connection.</summary>
    Disposed = 4,
}

/// <summary>A helper process was started and verified.</summary>
public sealed class HelperLaunchedEventArgs : EventArgs
{
    internal HelperLaunchedEventArgs(int processId, int launchCount)
    {
        ProcessId = processId;
        LaunchCount = launchCount;
    }

    /// <summary>The new helper's process id.</summary>
    public int ProcessId { get; }

    /// <summary>How many helper processes this connection has started, this one included.</summary>
    public int LaunchCount { get; }
}

/// <summary>A helper process ended, for any reason.</summary>
public sealed class HelperExitedEventArgs : EventArgs
{
    internal HelperExitedEventArgs(int processId, int? exitCode, HelperExitReason reason, string description)
    {
        ProcessId = processId;
        ExitCode = exitCode;
        Reason = reason;
        Description = description;
    }

    /// <summary>The helper's process id.</summary>
    public int ProcessId { get; }

    /// <summary>Its exit code (128 + the signal's number when a signal killed it), when known.</summary>
    public int? ExitCode { get; }

    /// <summary>Why it ended.</summary>
    public HelperExitReason Reason { get; }

    /// <summary>What happened, in words (for example <c>was killed by signal 6 (SIGABRT)</c>).</summary>
    public string Description { get; }
}

/// <summary>
/// The helper went away unexpectedly; calls in flight failed with <see cref="ServiceInterruptedException"/>. The
/// connection stays valid: the next call relaunches the helper after <see cref="RelaunchDelay"/>. Restore any state the
/// helper held (NSXPCConnection's interruption handler).
/// </summary>
public sealed class HelperInterruptedEventArgs : EventArgs
{
    internal HelperInterruptedEventArgs(int? processId, int? exitCode, HelperExitReason reason, string description, int recentCrashes, TimeSpan relaunchDelay)
    {
        ProcessId = processId;
        ExitCode = exitCode;
        Reason = reason;
        Description = description;
        RecentCrashes = recentCrashes;
        RelaunchDelay = relaunchDelay;
    }

    /// <summary>The helper's process id, when one was started.</summary>
    public int? ProcessId { get; }

    /// <summary>Its exit code (128 + the signal's number when a signal killed it), when known.</summary>
    public int? ExitCode { get; }

    /// <summary><see cref="HelperExitReason.Crashed"/> or <see cref="HelperExitReason.Unresponsive"/>.</summary>
    public HelperExitReason Reason { get; }

    /// <summary>What happened, in words.</summary>
    public string Description { get; }

    /// <summary>How many crashes, this one included, fell within <see cref="HelperOptions.CrashWindow"/>.</summary>
    public int RecentCrashes { get; }

    /// <summary>How long the next launch waits (exponential backoff over <see cref="RecentCrashes"/>).</summary>
    public TimeSpan RelaunchDelay { get; }
}

/// <summary>The connection became invalid and will not start the helper again (NSXPCConnection's invalidation handler).</summary>
public sealed class HelperInvalidatedEventArgs : EventArgs
{
    internal HelperInvalidatedEventArgs(ServiceInvalidatedException error)
    {
        Error = error;
    }

    /// <summary>Why: the same exception every later call fails with.</summary>
    public ServiceInvalidatedException Error { get; }
}
