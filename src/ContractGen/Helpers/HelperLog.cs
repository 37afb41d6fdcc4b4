using Microsoft.Extensions.Logging;

namespace ContractGen.Helpers;

/// <summary>Log messages of helper supervision (application side) and of the helper host (helper side).</summary>
internal static partial class HelperLog
{
    [LoggerMessage(101, LogLevel.Information, "Started helper for '{Contract}': pid {Pid} ({Command})")]
    public static partial void Launched(this ILogger logger, string contract, int pid, string command);

    [LoggerMessage(102, LogLevel.Information, "Helper for '{Contract}' (pid {Pid}) connected and verified ({Peer})")]
    public static partial void Connected(this ILogger logger, string contract, int pid, string peer);

    [LoggerMessage(103, LogLevel.Warning, "Refused a connection to the private endpoint of '{Contract}' from {Peer}: it is not the helper that was started (pid {ExpectedPid}, uid {ExpectedUid})")]
    public static partial void PeerRejected(this ILogger logger, string contract, string peer, int expectedPid, uint expectedUid);

    [LoggerMessage(104, LogLevel.Warning, "Helper for '{Contract}' (pid {Pid}) {What}; {Crashes} crash(es) in the last {Window}, relaunching on the next call after {Delay}")]
    public static partial void Interrupted(this ILogger logger, string contract, int? pid, string what, int crashes, TimeSpan window, TimeSpan delay);

    [LoggerMessage(105, LogLevel.Error, "Helper connection for '{Contract}' invalidated: {Message}")]
    public static partial void Invalidated(this ILogger logger, string contract, string message);

    [LoggerMessage(106, LogLevel.Information, "Helper for '{Contract}' (pid {Pid}) exited after {Reason} ({What})")]
    public static partial void Retired(this ILogger logger, string contract, int pid, HelperExitReason reason, string what);

    [LoggerMessage(107, LogLevel.Warning, "Helper for '{Contract}' (pid {Pid}) did not exit within {Timeout} after its connection closed; killing it")]
    public static partial void Killing(this ILogger logger, string contract, int pid, TimeSpan timeout);

    [LoggerMessage(108, LogLevel.Information, "[helper {Pid}] {Line}")]
    public static partial void Output(this ILogger logger, int pid, string line);

    [LoggerMessage(109, LogLevel.Warning, "[helper {Pid}] {Line}")]
    public static partial void ErrorOutput(this ILogger logger, int pid, string line);

    [LoggerMessage(110, LogLevel.Error, "A handler of the helper connection's {Event} event threw")]
    public static partial void HandlerFailed(this ILogger logger, string @event, Exception exception);

    [LoggerMessage(111, LogLevel.Debug, "Helper for '{Contract}' is idle after {Idle}; closing its connection so that it exits")]
    public static partial void Idle(this ILogger logger, string contract, TimeSpan idle);

    [LoggerMessage(120, LogLevel.Information, "Serving '{Contract}' for the parent process ({Parent})")]
    public static partial void HelperServing(this ILogger logger, string contract, string parent);

    [LoggerMessage(121, LogLevel.Information, "The parent process closed the connection; stopping")]
    public static partial void HelperParentGone(this ILogger logger);

    [LoggerMessage(122, LogLevel.Information, "Asked to terminate; stopping")]
    public static partial void HelperTerminating(this ILogger logger);
}
