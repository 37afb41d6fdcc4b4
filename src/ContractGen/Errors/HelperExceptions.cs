namespace ContractGen;

/// <summary>
/// A private helper (<see cref="ServiceContext.Application"/>) went away while a call was in flight or being started:
/// it crashed, exited, stopped answering or failed to start. The call may or may not have run. The connection is
/// still usable: the next call relaunches the helper (after the relaunch delay), through the same proxy.
/// </summary>
/// <remarks>
/// This is NSXPCConnection's "interrupted": the other side may come back. Compare
/// <see cref="ServiceInvalidatedException"/>, which means it will not.
/// </remarks>
public sealed class ServiceInterruptedException : ServiceConnectionException
{
    /// <summary>Creates the exception.</summary>
    public ServiceInterruptedException(string contract, int? processId, int? exitCode, string message, Exception? innerException = null)
        : base(ConnectionCloseReason.PeerClosed, message, innerException)
    {
        Contract = contract;
        ProcessId = processId;
        ExitCode = exitCode;
    }

    /// <summary>The wire name of the helper's contract.</summary>
    public string Contract { get; }

    /// <summary>The process id of the helper that went away, when one had been started.</summary>
    public int? ProcessId { get; }

    /// <summary>
    /// The helper's exit code, when it exited. .NET reports a process killed by a signal as 128 + the signal's number
    /// (134 for <c>SIGABRT</c>, which <see cref="Environment.FailFast(string)"/> raises; 137 for <c>SIGKILL</c>).
    /// </summary>
    public int? ExitCode { get; }
}

/// <summary>Why a helper connection was invalidated.</summary>
public enum ServiceInvalidationReason
{
    /// <summary>The helper crashed too often within the configured window (<see cref="HelperOptions.CrashLimit"/>, <see cref="HelperOptions.CrashWindow"/>).</summary>
    CrashLoop = 1,

    /// <summary>The helper could not be started at all: its program, a tool it needs (setpriv, prlimit) or its user is missing, or the options ask for something this process may not do.</summary>
    LaunchFailed = 2,

    /// <summary>The helper serves another contract than the one the application asked for.</summary>
    ContractMismatch = 3,
}

/// <summary>
/// A private helper connection is invalid and will not come back: the helper crashed in a loop, could not be started,
/// or serves another contract. Every call fails with this exception; create a new connection to try again.
/// </summary>
/// <remarks>This is NSXPCConnection's "invalidated". Compare <see cref="ServiceInterruptedException"/>.</remarks>
public sealed class ServiceInvalidatedException : ServiceConnectionException
{
    /// <summary>Creates the exception.</summary>
    public ServiceInvalidatedException(string contract, ServiceInvalidationReason invalidationReason, string message, Exception? innerException = null)
        : base(invalidationReason switch
        {
            ServiceInvalidationReason.LaunchFailed => ConnectionCloseReason.ConnectFailed,
            ServiceInvalidationReason.ContractMismatch => ConnectionCloseReason.HandshakeFailed,
            _ => ConnectionCloseReason.PeerClosed,
        }, message, innerException)
    {
        Contract = contract;
        InvalidationReason = invalidationReason;
    }

    /// <summary>The wire name of the helper's contract.</summary>
    public string Contract { get; }

    /// <summary>Why the connection was invalidated.</summary>
    public ServiceInvalidationReason InvalidationReason { get; }
}
