using System.Diagnostics;
using ContractGen.Transports;

namespace ContractGen.Helpers;

/// <summary>
/// One helper process and its connection, from launch until the process has exited. The supervisor replaces the
/// session after a crash or an idle exit; proxies never see sessions, only the connection that routes through them.
/// </summary>
internal sealed class HelperSession
{
    private readonly TaskCompletionSource<HelperSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HelperSession(Process process, ServiceConnection connection, PeerCredentials credentials)
    {
        Process = process;
        ProcessId = process.Id;
        Connection = connection;
        Credentials = credentials;
    }

    public Process Process { get; }

    public int ProcessId { get; }

    /// <summary>The direct connection to the helper (its calls are not routed).</summary>
    public ServiceConnection Connection { get; }

    /// <summary>The kernel's word on the helper, read when it connected.</summary>
    public PeerCredentials Credentials { get; }

    /// <summary>Calls in flight. Guarded by the supervisor's lock.</summary>
    public int InFlight { get; set; }

    /// <summary>When the last call ended (a <see cref="Stopwatch"/> timestamp). Guarded by the supervisor's lock.</summary>
    public long LastActivity { get; set; } = Stopwatch.GetTimestamp();

    /// <summary>Set when the application ends the session on purpose (idle, dispose): its exit is then no crash. Guarded by the supervisor's lock.</summary>
    public HelperExitReason? Retirement { get; set; }

    /// <summary>The idle timer, when <see cref="HelperOptions.IdleTimeout"/> is finite.</summary>
    public ITimer? IdleTimer { get; set; }

    /// <summary>Completes once the process has exited and the supervisor has classified the end (and raised its events).</summary>
    public Task<HelperSessionEnd> Ended => _ended.Task;

    public void SetEnded(HelperSessionEnd end) => _ended.TrySetResult(end);

    /// <summary>Whether the connection is already closed, so no call can use this session.</summary>
    public bool IsClosed => Connection.CloseReason != ConnectionCloseReason.None;
}

/// <summary>How a session ended, and what calls that failed with it should throw.</summary>
/// <param name="Reason">Why the process ended.</param>
/// <param name="ExitCode">Its exit code, when known.</param>
/// <param name="Description">What happened, in words.</param>
/// <param name="Invalidation">Set when this end invalidated the connection (crash loop).</param>
/// <param name="RelaunchDelay">How long the next launch waits.</param>
internal sealed record HelperSessionEnd(HelperExitReason Reason, int? ExitCode, string Description, ServiceInvalidatedException? Invalidation, TimeSpan RelaunchDelay);
